// Signature stubs of Compose material3 1.3 (compose BOM 2024.12.01 pins 1.3.1), checked against its API
// signature file compose/material3/material3/api/1.3.0-beta03.txt (androidx/androidx at 79bdd7888f1f):
// each comment names the entry read there. Parameters the app does not pass, all optional there, are left out
// unless they decide which overload a call takes; the overloads of each called name are kept.
package androidx.compose.material3

import androidx.compose.foundation.interaction.MutableInteractionSource
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.RowScope
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.AnnotatedString
import dev.kerasmv2.stubs.stub

// ExperimentalMaterial3Api: RequiresOptIn (default level, an error), BINARY
@RequiresOptIn("experimental material3 API")
@Retention(AnnotationRetention.BINARY)
annotation class ExperimentalMaterial3Api

// ColorScheme (@Immutable final class)
class ColorScheme internal constructor()

// ColorSchemeKt.darkColorScheme(optional long primary, ... 36 optional colours); the deprecated 29-colour
// overload is left out (the app passes none, and a call with none resolves to the current one).
fun darkColorScheme(primary: Color = stub(), onPrimary: Color = stub()): ColorScheme = stub()

// MaterialThemeKt.MaterialTheme(optional ColorScheme colorScheme, optional Shapes shapes, optional Typography
// typography, Function0<Unit> content)
@Composable
fun MaterialTheme(colorScheme: ColorScheme = stub(), content: @Composable () -> Unit): Unit = stub()

// TextKt.Text(String text, optional Modifier modifier, optional long color, ... optional TextStyle style)
@Composable
fun Text(text: String, modifier: Modifier = Modifier, color: Color = Color.Unspecified): Unit = stub()

// TextKt.Text(AnnotatedString text, optional Modifier modifier, optional long color, ...)
@Composable
fun Text(text: AnnotatedString, modifier: Modifier = Modifier, color: Color = Color.Unspecified): Unit = stub()

// ButtonKt.Button(Function0<Unit> onClick, optional Modifier modifier, optional boolean enabled, optional Shape
// shape, ... optional MutableInteractionSource? interactionSource, Function1<RowScope, Unit> content)
@Composable
fun Button(
    onClick: () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

// ChipKt.FilterChip(boolean selected, Function0<Unit> onClick, Function0<Unit> label, optional Modifier modifier,
// optional boolean enabled, ...)
@Composable
fun FilterChip(
    selected: Boolean,
    onClick: () -> Unit,
    label: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
): Unit = stub()

// SliderColors (@Immutable final class)
class SliderColors internal constructor()

// SliderState (@ExperimentalMaterial3Api final class)
@ExperimentalMaterial3Api
class SliderState internal constructor()

// SliderKt.Slider(float value, Function1<Float, Unit> onValueChange, optional Modifier modifier, optional boolean
// enabled, optional ClosedFloatingPointRange<Float> valueRange, optional int steps, optional Function0<Unit>?
// onValueChangeFinished, optional SliderColors colors, optional MutableInteractionSource interactionSource)
@Composable
fun Slider(
    value: Float,
    onValueChange: (Float) -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    valueRange: ClosedFloatingPointRange<Float> = 0f..1f,
    steps: Int = 0,
    onValueChangeFinished: (() -> Unit)? = null,
    colors: SliderColors = stub(),
    interactionSource: MutableInteractionSource = stub(),
): Unit = stub()

// SliderKt.Slider (@ExperimentalMaterial3Api)(float value, Function1<Float, Unit> onValueChange, optional Modifier
// modifier, optional boolean enabled, optional Function0<Unit>? onValueChangeFinished, optional SliderColors
// colors, optional MutableInteractionSource interactionSource, optional int steps, optional
// Function1<SliderState, Unit> thumb, optional Function1<SliderState, Unit> track, optional
// ClosedFloatingPointRange<Float> valueRange): the overload a call naming thumb or track takes.
@ExperimentalMaterial3Api
@Composable
fun Slider(
    value: Float,
    onValueChange: (Float) -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    onValueChangeFinished: (() -> Unit)? = null,
    colors: SliderColors = stub(),
    interactionSource: MutableInteractionSource = stub(),
    steps: Int = 0,
    thumb: @Composable (SliderState) -> Unit = stub(),
    track: @Composable (SliderState) -> Unit = stub(),
    valueRange: ClosedFloatingPointRange<Float> = 0f..1f,
): Unit = stub()

// ModalBottomSheetKt.ModalBottomSheet (@ExperimentalMaterial3Api)(Function0<Unit> onDismissRequest, optional
// Modifier modifier, ... Function1<ColumnScope, Unit> content). The deprecated ModalBottomSheet_androidKt
// overload with windowInsets is hidden from Kotlin callers and left out.
@ExperimentalMaterial3Api
@Composable
fun ModalBottomSheet(
    onDismissRequest: () -> Unit,
    modifier: Modifier = Modifier,
    content: @Composable ColumnScope.() -> Unit,
): Unit = stub()
