package androidx.compose.runtime.internal

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Composer
import dev.kerasmv2.stubs.stub

interface ComposableLambda :
    Function2<Composer, Int, Any?>,
    Function3<Any?, Composer, Int, Any?>,
    Function4<Any?, Any?, Composer, Int, Any?>

fun composableLambda(composer: Composer, key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

fun composableLambdaInstance(key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

@Composable
fun rememberComposableLambda(key: Int, tracked: Boolean, block: Any): ComposableLambda = stub()

@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS)
annotation class StabilityInferred(val parameters: Int)

@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.FUNCTION)
annotation class FunctionKeyMeta(val key: Int, val startOffset: Int, val endOffset: Int)
