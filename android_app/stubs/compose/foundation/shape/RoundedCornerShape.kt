package androidx.compose.foundation.shape

import androidx.compose.ui.graphics.Shape
import androidx.compose.ui.unit.Dp
import dev.kerasmv2.stubs.stub

class RoundedCornerShape internal constructor() : Shape

fun RoundedCornerShape(size: Dp): RoundedCornerShape = stub()
