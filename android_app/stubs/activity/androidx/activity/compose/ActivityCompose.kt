package androidx.activity.compose

import androidx.activity.ComponentActivity
import androidx.activity.result.ActivityResultLauncher
import androidx.activity.result.contract.ActivityResultContract
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionContext
import dev.kerasmv2.stubs.stub

fun ComponentActivity.setContent(parent: CompositionContext? = null, content: @Composable () -> Unit): Unit = stub()

class ManagedActivityResultLauncher<I, O> internal constructor() : ActivityResultLauncher<I>()

@Composable
fun <I, O> rememberLauncherForActivityResult(
    contract: ActivityResultContract<I, O>,
    onResult: (O) -> Unit,
): ManagedActivityResultLauncher<I, O> = stub()
