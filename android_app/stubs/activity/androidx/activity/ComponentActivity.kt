// Signature stubs of androidx.activity 1.9 (the catalog pins 1.9.3), checked against
// activity/activity/api/1.9.0-beta01.txt (androidx/androidx at 90c418b4c190): each comment names the entry.
package androidx.activity

import android.app.Activity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import dev.kerasmv2.stubs.stub

// ComponentActivity (class) extends android.app.Activity, implements LifecycleOwner and ViewModelStoreOwner
// among others; public no-argument constructor; properties lifecycle and viewModelStore
open class ComponentActivity : Activity(), LifecycleOwner, ViewModelStoreOwner {
    override val lifecycle: Lifecycle get() = stub()
    override val viewModelStore: ViewModelStore get() = stub()
}

// SystemBarStyle (final class; created by its companion's auto/dark/light)
class SystemBarStyle private constructor()

// EdgeToEdge.enable(ComponentActivity, optional SystemBarStyle statusBarStyle, optional SystemBarStyle
// navigationBarStyle): the JVM names of the Kotlin extension ComponentActivity.enableEdgeToEdge
fun ComponentActivity.enableEdgeToEdge(
    statusBarStyle: SystemBarStyle = stub(),
    navigationBarStyle: SystemBarStyle = stub(),
): Unit = stub()
