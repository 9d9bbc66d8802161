package androidx.compose.ui.viewinterop

import android.content.Context
import android.view.View
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import dev.kerasmv2.stubs.stub

// compose/ui/ui/api/1.7.0-beta07.txt (see ../Ui.kt), AndroidView_androidKt: AndroidView(Function1<Context, T>
// factory, optional Modifier modifier, optional Function1<T, Unit> update) and AndroidView(factory, optional
// modifier, optional Function1<T, Unit>? onReset, optional Function1<T, Unit> onRelease, optional update)
@Composable
fun <T : View> AndroidView(factory: (Context) -> T, modifier: Modifier = Modifier, update: (T) -> Unit = stub()): Unit = stub()

@Composable
fun <T : View> AndroidView(
    factory: (Context) -> T,
    modifier: Modifier = Modifier,
    onReset: ((T) -> Unit)? = null,
    onRelease: (T) -> Unit = stub(),
    update: (T) -> Unit = stub(),
): Unit = stub()
