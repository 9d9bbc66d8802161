// activity/activity/api/1.9.0-beta01.txt (see ../ComponentActivity.kt), package androidx.activity.result
package androidx.activity.result

import dev.kerasmv2.stubs.stub

// ActivityResultLauncher<I> (abstract class): launch(I input), and the abstract launch(I input,
// ActivityOptionsCompat? options), which the app does not call
abstract class ActivityResultLauncher<I> {
    open fun launch(input: I): Unit = stub()
}
