package androidx.compose.ui.unit

import dev.kerasmv2.stubs.stub

@JvmInline
value class Dp(val value: Float)

inline val Int.dp: Dp get() = stub()
