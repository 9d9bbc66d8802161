package androidx.compose.foundation.layout

import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.Dp
import dev.kerasmv2.stubs.stub

object Arrangement {
    interface Horizontal

    interface Vertical

    interface HorizontalOrVertical : Horizontal, Vertical

    val Start: Horizontal = stub()
    val Top: Vertical = stub()
    val Center: HorizontalOrVertical = stub()

    fun spacedBy(space: Dp): HorizontalOrVertical = stub()
}

interface BoxScope {
    fun Modifier.align(alignment: Alignment): Modifier
}

interface ColumnScope

interface RowScope

@Composable
fun Box(
    modifier: Modifier = Modifier,
    contentAlignment: Alignment = Alignment.TopStart,
    propagateMinConstraints: Boolean = false,
    content: @Composable BoxScope.() -> Unit,
): Unit = stub()

@Composable
fun Column(
    modifier: Modifier = Modifier,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
    horizontalAlignment: Alignment.Horizontal = stub(),
    content: @Composable ColumnScope.() -> Unit,
): Unit = stub()

@Composable
fun Row(
    modifier: Modifier = Modifier,
    horizontalArrangement: Arrangement.Horizontal = Arrangement.Start,
    verticalAlignment: Alignment.Vertical = stub(),
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

fun Modifier.fillMaxSize(fraction: Float = 1f): Modifier = stub()

fun Modifier.fillMaxWidth(fraction: Float = 1f): Modifier = stub()

fun Modifier.padding(all: Dp): Modifier = stub()

fun Modifier.padding(horizontal: Dp = stub(), vertical: Dp = stub()): Modifier = stub()

fun Modifier.padding(start: Dp = stub(), top: Dp = stub(), end: Dp = stub(), bottom: Dp = stub()): Modifier = stub()

fun Modifier.safeDrawingPadding(): Modifier = stub()
