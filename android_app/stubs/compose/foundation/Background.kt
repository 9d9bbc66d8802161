package androidx.compose.foundation

import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.RectangleShape
import androidx.compose.ui.graphics.Shape
import dev.kerasmv2.stubs.stub

fun Modifier.background(color: Color, shape: Shape = RectangleShape): Modifier = stub()
