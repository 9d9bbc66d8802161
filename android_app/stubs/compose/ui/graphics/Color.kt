package androidx.compose.ui.graphics

import dev.kerasmv2.stubs.stub

@JvmInline
value class Color(val value: ULong) {
    fun copy(alpha: Float = stub(), red: Float = stub(), green: Float = stub(), blue: Float = stub()): Color = stub()

    companion object {
        val Black: Color = stub()
        val White: Color = stub()
        val LightGray: Color = stub()
        val Unspecified: Color = stub()
    }
}

fun Color(color: Long): Color = stub()

interface Shape

val RectangleShape: Shape = stub()
