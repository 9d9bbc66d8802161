// activity/activity/api/1.9.0-beta01.txt (see ../../ComponentActivity.kt), package androidx.activity.result.contract
package androidx.activity.result.contract

// ActivityResultContract<I, O> (abstract class; its members are not called by the app)
abstract class ActivityResultContract<I, O>

// ActivityResultContracts (final class); ActivityResultContracts.RequestPermission (final class, public
// constructor) extends ActivityResultContract<String, Boolean>
class ActivityResultContracts private constructor() {
    class RequestPermission : ActivityResultContract<String, Boolean>()
}
