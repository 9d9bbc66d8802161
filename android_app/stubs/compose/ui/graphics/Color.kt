// Signature stubs of Compose ui-graphics 1.7, checked against its API signature file
// compose/ui/ui-graphics/api/1.7.0-beta01.txt (androidx/androidx at 3feb67142707): each comment names the entry.
package androidx.compose.ui.graphics

import androidx.compose.runtime.Immutable
import androidx.compose.runtime.Stable
import dev.kerasmv2.stubs.stub

// Color (@Immutable value class, ctor Color(long value)): copy(optional alpha, red, green, blue);
// Color.Companion: Black, White, LightGray, Unspecified
@Immutable
@JvmInline
value class Color(val value: ULong) {
    @Stable
    fun copy(alpha: Float = stub(), red: Float = stub(), green: Float = stub(), blue: Float = stub()): Color = stub()

    companion object {
        val Black: Color = stub()
        val White: Color = stub()
        val LightGray: Color = stub()
        val Unspecified: Color = stub()
    }
}

// ColorKt.Color(long color) and ColorKt.Color(int color): a literal too large for Int takes the Long one
@Stable
fun Color(color: Long): Color = stub()

@Stable
fun Color(color: Int): Color = stub()

// Shape (@Stable interface)
@Stable
interface Shape

// RectangleShapeKt.RectangleShape: the default shape of foundation's background (that entry was not re-read)
val RectangleShape: Shape = stub()

// Brush (@Immutable abstract sealed class): named by foundation's background overload
abstract class Brush internal constructor()
