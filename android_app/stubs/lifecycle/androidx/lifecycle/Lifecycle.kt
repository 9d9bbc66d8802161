package androidx.lifecycle

import android.app.Application
import dev.kerasmv2.stubs.stub

abstract class Lifecycle {
    enum class Event { ON_CREATE, ON_START, ON_RESUME, ON_PAUSE, ON_STOP, ON_DESTROY, ON_ANY }

    enum class State { DESTROYED, INITIALIZED, CREATED, STARTED, RESUMED }
}

interface LifecycleOwner {
    val lifecycle: Lifecycle
}

abstract class ViewModel {
    protected open fun onCleared(): Unit = stub()
}

open class AndroidViewModel(application: Application) : ViewModel()

interface ViewModelStoreOwner
