// Signature stubs of Compose foundation 1.7, checked against its API signature file
// compose/foundation/foundation/api/1.7.0-beta04.txt (androidx/androidx at a75d0e922740): each comment names
// the entry read there.
package androidx.compose.foundation

import androidx.compose.runtime.Stable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.RectangleShape
import androidx.compose.ui.graphics.Shape
import dev.kerasmv2.stubs.stub

// BackgroundKt.background(Modifier, long color, optional Shape shape)
@Stable
fun Modifier.background(color: Color, shape: Shape = RectangleShape): Modifier = stub()

// BackgroundKt.background(Modifier, Brush brush, optional Shape shape, optional float alpha)
@Stable
fun Modifier.background(brush: Brush, shape: Shape = RectangleShape, alpha: Float = 1f): Modifier = stub()
