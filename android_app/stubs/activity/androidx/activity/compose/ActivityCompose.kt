// activity-compose 1.9 (the catalog pins 1.9.3): no 1.9 API file is in the index here; checked against
// activity/activity-compose/api/restricted_1.8.0-beta01.txt (androidx/androidx at ab8b122a2e72) and
// 1.11.0-beta01.txt (at 31adf48a5ba2), which agree on every entry used here.
package androidx.activity.compose

import androidx.activity.ComponentActivity
import androidx.activity.result.ActivityResultLauncher
import androidx.activity.result.contract.ActivityResultContract
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionContext
import dev.kerasmv2.stubs.stub

// ComponentActivityKt.setContent(ComponentActivity, optional CompositionContext? parent, Function0<Unit> content)
fun ComponentActivity.setContent(parent: CompositionContext? = null, content: @Composable () -> Unit): Unit = stub()

// ManagedActivityResultLauncher<I, O> (final class) extends ActivityResultLauncher<I>
class ManagedActivityResultLauncher<I, O> internal constructor() : ActivityResultLauncher<I>()

// ActivityResultRegistryKt.rememberLauncherForActivityResult(ActivityResultContract<I, O> contract,
// Function1<O, Unit> onResult): @Composable
@Composable
fun <I, O> rememberLauncherForActivityResult(
    contract: ActivityResultContract<I, O>,
    onResult: (O) -> Unit,
): ManagedActivityResultLauncher<I, O> = stub()
