// Signature stubs of Compose runtime 1.7 (compose BOM 2024.12.01 pins 1.7.6), checked against its API
// signature file compose/runtime/runtime/api/1.7.0-beta07.txt (androidx/androidx at 6ececab700a6): each
// comment names the entry (class, then member) read there. Besides what the app calls, the Compose
// compiler plugin's lowering needs the runtime's compiler API (ComposerApi.kt, internal/Internal.kt).
package androidx.compose.runtime

import dev.kerasmv2.stubs.stub
import kotlin.reflect.KProperty

// Composable (annotation: MustBeDocumented, BINARY, FUNCTION/TYPE/TYPE_PARAMETER/PROPERTY_GETTER)
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.TYPE, AnnotationTarget.TYPE_PARAMETER, AnnotationTarget.PROPERTY_GETTER)
annotation class Composable

// ReadOnlyComposable (MustBeDocumented, BINARY, FUNCTION/PROPERTY_GETTER)
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY_GETTER)
annotation class ReadOnlyComposable

// DisallowComposableCalls (MustBeDocumented, BINARY, TYPE)
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.TYPE)
annotation class DisallowComposableCalls

// NonRestartableComposable (SOURCE, FUNCTION/PROPERTY_GETTER)
@Retention(AnnotationRetention.SOURCE)
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY_GETTER)
annotation class NonRestartableComposable

// Stable (MustBeDocumented, BINARY, CLASS/FUNCTION/PROPERTY_GETTER/PROPERTY)
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY_GETTER, AnnotationTarget.PROPERTY)
annotation class Stable

// State<T>: value
@Stable
interface State<out T> {
    val value: T
}

// MutableState<T> extends State<T>: value (var)
@Stable
interface MutableState<T> : State<T> {
    override var value: T
}

// SnapshotMutationPolicy<T> (interface)
interface SnapshotMutationPolicy<T>

// SnapshotStateKt.structuralEqualityPolicy()
fun <T> structuralEqualityPolicy(): SnapshotMutationPolicy<T> = stub()

// SnapshotStateKt.mutableStateOf(T value, optional SnapshotMutationPolicy<T> policy)
fun <T> mutableStateOf(value: T, policy: SnapshotMutationPolicy<T> = structuralEqualityPolicy()): MutableState<T> = stub()

// SnapshotStateKt.getValue(State<? extends T>, Object? thisObj, KProperty<?> property): inline operator
@Suppress("NOTHING_TO_INLINE")
inline operator fun <T> State<T>.getValue(thisObj: Any?, property: KProperty<*>): T = stub()

// SnapshotStateKt.setValue(MutableState<T>, Object? thisObj, KProperty<?> property, T value): inline operator
@Suppress("NOTHING_TO_INLINE")
inline operator fun <T> MutableState<T>.setValue(thisObj: Any?, property: KProperty<*>, value: T): Unit = stub()

// ComposablesKt.remember(calculation), remember(key1, calculation), remember(key1, key2, calculation),
// remember(key1, key2, key3, calculation), remember(Object?[] keys, calculation): all @Composable inline.
// The plugin's lowering looks up every overload.
@Composable
inline fun <T> remember(crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

@Composable
inline fun <T> remember(key1: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

@Composable
inline fun <T> remember(key1: Any?, key2: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

@Composable
inline fun <T> remember(key1: Any?, key2: Any?, key3: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

@Composable
inline fun <T> remember(vararg keys: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

// CompositionContext (abstract class)
abstract class CompositionContext internal constructor()

// CompositionLocal<T> (@Stable abstract sealed class): current (@Composable @ReadOnlyComposable inline getter)
@Stable
sealed class CompositionLocal<T> {
    inline val current: T
        @ReadOnlyComposable @Composable get() = stub()
}

// ProvidableCompositionLocal<T> (@Stable abstract class) extends CompositionLocal<T>
@Stable
abstract class ProvidableCompositionLocal<T> internal constructor() : CompositionLocal<T>()

// DisposableEffectScope (final class, public constructor): onDispose(Function0<Unit> onDisposeEffect), inline
class DisposableEffectScope {
    inline fun onDispose(crossinline onDisposeEffect: () -> Unit): DisposableEffectResult = stub()
}

// DisposableEffectResult (interface): dispose()
interface DisposableEffectResult {
    fun dispose()
}

// EffectsKt.DisposableEffect(Object? key1, Function1<DisposableEffectScope, DisposableEffectResult> effect)
@Composable
@NonRestartableComposable
fun DisposableEffect(key1: Any?, effect: DisposableEffectScope.() -> DisposableEffectResult): Unit = stub()
