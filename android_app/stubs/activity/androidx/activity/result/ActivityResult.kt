package androidx.activity.result

import dev.kerasmv2.stubs.stub

abstract class ActivityResultLauncher<I> {
    open fun launch(input: I): Unit = stub()
}
