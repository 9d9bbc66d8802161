// Signature stubs of Compose foundation-layout 1.7 (compose BOM 2024.12.01 pins 1.7.6), checked against its
// API signature file compose/foundation/foundation-layout/api/1.7.0-beta06.txt (androidx/androidx at
// 372cc2b746ec): each comment names the entry read there.
package androidx.compose.foundation.layout

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Immutable
import androidx.compose.runtime.Stable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.Dp
import dev.kerasmv2.stubs.stub

// Arrangement (@Immutable object): Start, Top, Center; spacedBy(float space)
@Immutable
object Arrangement {
    // Arrangement.Horizontal, Arrangement.Vertical, Arrangement.HorizontalOrVertical (@Stable interfaces)
    @Stable
    interface Horizontal

    @Stable
    interface Vertical

    @Stable
    interface HorizontalOrVertical : Horizontal, Vertical

    val Start: Horizontal = stub()
    val Top: Vertical = stub()
    val Center: HorizontalOrVertical = stub()

    @Stable
    fun spacedBy(space: Dp): HorizontalOrVertical = stub()
}

// BoxScope (@Immutable interface): align(Modifier, Alignment alignment)
@Immutable
interface BoxScope {
    @Stable
    fun Modifier.align(alignment: Alignment): Modifier
}

// ColumnScope, RowScope (@Immutable interfaces; their members are not used by the app)
@Immutable
interface ColumnScope

@Immutable
interface RowScope

// BoxKt.Box(Modifier modifier)
@Composable
fun Box(modifier: Modifier): Unit = stub()

// BoxKt.Box(optional Modifier modifier, optional Alignment contentAlignment, optional boolean
// propagateMinConstraints, Function1<BoxScope, Unit> content): inline
@Composable
inline fun Box(
    modifier: Modifier = Modifier,
    contentAlignment: Alignment = Alignment.TopStart,
    propagateMinConstraints: Boolean = false,
    content: @Composable BoxScope.() -> Unit,
): Unit = stub()

// ColumnKt.Column(optional Modifier modifier, optional Arrangement.Vertical verticalArrangement, optional
// Alignment.Horizontal horizontalAlignment, Function1<ColumnScope, Unit> content): inline
@Composable
inline fun Column(
    modifier: Modifier = Modifier,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
    horizontalAlignment: Alignment.Horizontal = Alignment.Start,
    content: @Composable ColumnScope.() -> Unit,
): Unit = stub()

// RowKt.Row(optional Modifier modifier, optional Arrangement.Horizontal horizontalArrangement, optional
// Alignment.Vertical verticalAlignment, Function1<RowScope, Unit> content): inline
@Composable
inline fun Row(
    modifier: Modifier = Modifier,
    horizontalArrangement: Arrangement.Horizontal = Arrangement.Start,
    verticalAlignment: Alignment.Vertical = Alignment.Top,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

// SizeKt.fillMaxSize(Modifier, optional float fraction), SizeKt.fillMaxWidth(Modifier, optional float fraction)
@Stable
fun Modifier.fillMaxSize(fraction: Float = 1f): Modifier = stub()

@Stable
fun Modifier.fillMaxWidth(fraction: Float = 1f): Modifier = stub()

// PaddingValues (@Stable interface)
@Stable
interface PaddingValues

// PaddingKt.padding(Modifier, PaddingValues paddingValues), padding(Modifier, float all), padding(Modifier,
// optional float horizontal, optional float vertical), padding(Modifier, optional float start, optional
// float top, optional float end, optional float bottom)
@Stable
fun Modifier.padding(paddingValues: PaddingValues): Modifier = stub()

@Stable
fun Modifier.padding(all: Dp): Modifier = stub()

@Stable
fun Modifier.padding(horizontal: Dp = stub(), vertical: Dp = stub()): Modifier = stub()

@Stable
fun Modifier.padding(start: Dp = stub(), top: Dp = stub(), end: Dp = stub(), bottom: Dp = stub()): Modifier = stub()

// WindowInsetsPadding_androidKt.safeDrawingPadding(Modifier)
fun Modifier.safeDrawingPadding(): Modifier = stub()
