package androidx.compose.ui

import dev.kerasmv2.stubs.stub

interface Modifier {
    companion object : Modifier
}

interface Alignment {
    interface Horizontal

    interface Vertical

    companion object {
        val BottomEnd: Alignment = stub()
        val CenterHorizontally: Horizontal = stub()
        val TopStart: Alignment = stub()
    }
}
