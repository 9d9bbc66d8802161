// Signature stubs of Compose ui 1.7 (compose BOM 2024.12.01 pins 1.7.6), checked against its API signature
// file compose/ui/ui/api/1.7.0-beta07.txt (androidx/androidx at 8d1dd59fedde): each comment names the entry.
package androidx.compose.ui

import androidx.compose.runtime.Stable
import androidx.compose.ui.unit.LayoutDirection
import dev.kerasmv2.stubs.stub

// Modifier (@Stable interface) with Modifier.Companion implementing Modifier (its members are not used here)
@Stable
interface Modifier {
    companion object : Modifier
}

// Alignment (@Stable fun interface); Alignment.Horizontal, Alignment.Vertical (@Stable fun interfaces);
// Alignment.Companion: BottomEnd, TopStart (Alignment), CenterHorizontally, Start (Horizontal), Top (Vertical)
@Stable
fun interface Alignment {
    fun align(size: Long, space: Long, layoutDirection: LayoutDirection): Long

    @Stable
    fun interface Horizontal {
        fun align(size: Int, space: Int, layoutDirection: LayoutDirection): Int
    }

    @Stable
    fun interface Vertical {
        fun align(size: Int, space: Int): Int
    }

    companion object {
        val BottomEnd: Alignment = stub()
        val TopStart: Alignment = stub()
        val CenterHorizontally: Horizontal = stub()
        val Start: Horizontal = stub()
        val Top: Vertical = stub()
    }
}
