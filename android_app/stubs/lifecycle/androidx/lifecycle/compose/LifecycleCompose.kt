// lifecycle-runtime-compose 2.8 (the catalog pins 2.8.7), checked against
// lifecycle/lifecycle-runtime-compose/api/restricted_2.8.0-beta01.txt (androidx/androidx at 81272121d1cb):
// each comment names the entry.
package androidx.lifecycle.compose

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ProvidableCompositionLocal
import androidx.compose.runtime.State
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleOwner
import dev.kerasmv2.stubs.stub
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.StateFlow

// LocalLifecycleOwnerKt.LocalLifecycleOwner: ProvidableCompositionLocal<LifecycleOwner>
val LocalLifecycleOwner: ProvidableCompositionLocal<LifecycleOwner> = stub()

// LifecycleEffectKt.LifecycleEventEffect(Lifecycle.Event event, optional LifecycleOwner lifecycleOwner,
// Function0<Unit> onEvent)
@Composable
fun LifecycleEventEffect(
    event: Lifecycle.Event,
    lifecycleOwner: LifecycleOwner = LocalLifecycleOwner.current,
    onEvent: () -> Unit,
): Unit = stub()

// FlowExtKt.collectAsStateWithLifecycle(StateFlow<T>, optional LifecycleOwner lifecycleOwner, optional
// Lifecycle.State minActiveState, optional CoroutineContext context)
@Composable
fun <T> StateFlow<T>.collectAsStateWithLifecycle(
    lifecycleOwner: LifecycleOwner = LocalLifecycleOwner.current,
    minActiveState: Lifecycle.State = Lifecycle.State.STARTED,
    context: CoroutineContext = EmptyCoroutineContext,
): State<T> = stub()

// FlowExtKt.collectAsStateWithLifecycle(StateFlow<T>, Lifecycle lifecycle, optional minActiveState, optional context)
@Composable
fun <T> StateFlow<T>.collectAsStateWithLifecycle(
    lifecycle: Lifecycle,
    minActiveState: Lifecycle.State = Lifecycle.State.STARTED,
    context: CoroutineContext = EmptyCoroutineContext,
): State<T> = stub()

// FlowExtKt.collectAsStateWithLifecycle(Flow<T>, T initialValue, optional LifecycleOwner lifecycleOwner, ...)
@Composable
fun <T> Flow<T>.collectAsStateWithLifecycle(
    initialValue: T,
    lifecycleOwner: LifecycleOwner = LocalLifecycleOwner.current,
    minActiveState: Lifecycle.State = Lifecycle.State.STARTED,
    context: CoroutineContext = EmptyCoroutineContext,
): State<T> = stub()

// FlowExtKt.collectAsStateWithLifecycle(Flow<T>, T initialValue, Lifecycle lifecycle, ...)
@Composable
fun <T> Flow<T>.collectAsStateWithLifecycle(
    initialValue: T,
    lifecycle: Lifecycle,
    minActiveState: Lifecycle.State = Lifecycle.State.STARTED,
    context: CoroutineContext = EmptyCoroutineContext,
): State<T> = stub()
