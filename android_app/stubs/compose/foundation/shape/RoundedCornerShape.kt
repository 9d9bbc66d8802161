// compose/foundation/foundation/api/1.7.0-beta04.txt (see ../Background.kt), package androidx.compose.foundation.shape
package androidx.compose.foundation.shape

import androidx.compose.ui.graphics.Shape
import androidx.compose.ui.unit.Dp
import dev.kerasmv2.stubs.stub

// RoundedCornerShape (final class, a CornerBasedShape, which implements Shape)
class RoundedCornerShape internal constructor() : Shape

// RoundedCornerShapeKt.RoundedCornerShape(float size) in Dp, and RoundedCornerShape(optional float topStart,
// topEnd, bottomEnd, bottomStart) in Dp: the overloads a Dp argument can take (the px, percent and CornerSize
// ones take Float, Int or CornerSize)
fun RoundedCornerShape(size: Dp): RoundedCornerShape = stub()

fun RoundedCornerShape(topStart: Dp = stub(), topEnd: Dp = stub(), bottomEnd: Dp = stub(), bottomStart: Dp = stub()): RoundedCornerShape = stub()
