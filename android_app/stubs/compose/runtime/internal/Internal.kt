// The runtime's compiler API in androidx.compose.runtime.internal (compose/runtime/runtime/api/1.7.0-beta07.txt,
// see ../Runtime.kt): the composable lambdas and the annotations the lowering writes.
package androidx.compose.runtime.internal

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Composer
import androidx.compose.runtime.Stable
import dev.kerasmv2.stubs.stub

// ComposableLambda (@Stable interface) extends Function2<Composer, Integer, Object?>, Function3<Object?,
// Composer, Integer, Object?>, ... Function21: the arities up to the app's lambdas (receiver plus one).
@Stable
interface ComposableLambda :
    Function2<Composer, Int, Any?>,
    Function3<Any?, Composer, Int, Any?>,
    Function4<Any?, Any?, Composer, Int, Any?>

// ComposableLambdaKt.composableLambda(Composer composer, int key, boolean tracked, Object block)
fun composableLambda(composer: Composer, key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

// ComposableLambdaKt.composableLambdaInstance(int key, boolean tracked, Object block)
fun composableLambdaInstance(key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

// ComposableLambdaKt.rememberComposableLambda(int key, boolean tracked, Object block): @Composable
@Composable
fun rememberComposableLambda(key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

// StabilityInferred (BINARY, CLASS): parameters
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS)
annotation class StabilityInferred(val parameters: Int)

// FunctionKeyMeta (Repeatable, RUNTIME, CLASS): key, startOffset, endOffset
@Repeatable
@Retention(AnnotationRetention.RUNTIME)
@Target(AnnotationTarget.CLASS)
annotation class FunctionKeyMeta(val key: Int, val startOffset: Int, val endOffset: Int)
