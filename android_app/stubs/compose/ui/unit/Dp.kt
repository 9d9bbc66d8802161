// Signature stubs of Compose ui-unit 1.7, checked against its API signature file
// compose/ui/ui-unit/api/1.7.0-beta01.txt (androidx/androidx at a4e741a968d0): each comment names the entry.
package androidx.compose.ui.unit

import androidx.compose.runtime.Immutable
import dev.kerasmv2.stubs.stub

// Dp (@Immutable value class over a float)
@Immutable
@JvmInline
value class Dp(val value: Float)

// DpKt.getDp(int): inline
inline val Int.dp: Dp get() = stub()

// LayoutDirection (enum): Ltr, Rtl
enum class LayoutDirection { Ltr, Rtl }
