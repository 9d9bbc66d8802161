package androidx.activity

import android.app.Activity
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ViewModelStoreOwner
import dev.kerasmv2.stubs.stub

open class ComponentActivity : Activity(), LifecycleOwner, ViewModelStoreOwner {
    override val lifecycle: androidx.lifecycle.Lifecycle get() = stub()
}

class SystemBarStyle private constructor()

fun ComponentActivity.enableEdgeToEdge(
    statusBarStyle: SystemBarStyle = stub(),
    navigationBarStyle: SystemBarStyle = stub(),
): Unit = stub()
