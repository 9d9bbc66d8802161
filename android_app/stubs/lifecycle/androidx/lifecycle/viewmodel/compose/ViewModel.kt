// lifecycle-viewmodel-compose 2.8: no 2.8 API file is in the index here; checked against
// lifecycle/lifecycle-viewmodel-compose/api/restricted_2.7.0-beta01.txt (androidx/androidx at ac5abb6fe760) and
// restricted_2.9.0-beta01.txt (at 31adf48a5ba2), which agree on the entries used here. The deprecated overload
// without extras is hidden from Kotlin callers and left out.
package androidx.lifecycle.viewmodel.compose

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.viewmodel.CreationExtras
import dev.kerasmv2.stubs.stub

// LocalViewModelStoreOwner (object): current, a ViewModelStoreOwner? read in composition
object LocalViewModelStoreOwner {
    val current: ViewModelStoreOwner?
        @Composable get() = stub()
}

// ViewModelKt.viewModel(optional ViewModelStoreOwner viewModelStoreOwner, optional String? key, optional
// ViewModelProvider.Factory? factory, optional CreationExtras extras): @Composable inline, reified VM
@Composable
inline fun <reified VM : ViewModel> viewModel(
    viewModelStoreOwner: ViewModelStoreOwner = stub(),
    key: String? = null,
    factory: ViewModelProvider.Factory? = null,
    extras: CreationExtras = stub(),
): VM = stub()

// ViewModelKt.viewModel(optional ViewModelStoreOwner viewModelStoreOwner, optional String? key,
// Function1<CreationExtras, VM> initializer): @Composable inline, reified VM
@Composable
inline fun <reified VM : ViewModel> viewModel(
    viewModelStoreOwner: ViewModelStoreOwner = stub(),
    key: String? = null,
    noinline initializer: CreationExtras.() -> VM,
): VM = stub()
