// Signature stubs of androidx.lifecycle 2.8 (the catalog pins 2.8.7). Lifecycle and LifecycleOwner are checked
// against lifecycle/lifecycle-common/api/2.8.0-beta01.txt (androidx/androidx at 8e1e8e08be9c). No 2.8 API file
// of lifecycle-viewmodel is in the index here: ViewModel, AndroidViewModel and ViewModelStoreOwner are checked
// against the nearest later one, lifecycle/lifecycle-viewmodel/api/2.9.0-beta01.txt (at 31adf48a5ba2).
// Each comment names the entry.
package androidx.lifecycle

import android.app.Application
import dev.kerasmv2.stubs.stub

// Lifecycle (abstract class); Lifecycle.Event and Lifecycle.State (enums, with these constants)
abstract class Lifecycle {
    enum class Event { ON_CREATE, ON_START, ON_RESUME, ON_PAUSE, ON_STOP, ON_DESTROY, ON_ANY }

    enum class State { DESTROYED, INITIALIZED, CREATED, STARTED, RESUMED }
}

// LifecycleOwner (interface): lifecycle
interface LifecycleOwner {
    val lifecycle: Lifecycle
}

// ViewModel (abstract class, public no-argument constructor): onCleared() protected
abstract class ViewModel {
    protected open fun onCleared(): Unit = stub()
}

// AndroidViewModel (open class) extends ViewModel, constructor AndroidViewModel(Application application)
open class AndroidViewModel(application: Application) : ViewModel()

// ViewModelStore (class); ViewModelStoreOwner (interface): viewModelStore
open class ViewModelStore

interface ViewModelStoreOwner {
    val viewModelStore: ViewModelStore
}

// ViewModelProvider.Factory (interface), named by viewModel()'s parameters
class ViewModelProvider private constructor() {
    interface Factory
}
