package androidx.compose.runtime

import dev.kerasmv2.stubs.stub

sealed interface Composer {
    fun changed(value: Any?): Boolean
    fun changed(value: Boolean): Boolean = stub()
    fun changed(value: Byte): Boolean = stub()
    fun changed(value: Char): Boolean = stub()
    fun changed(value: Double): Boolean = stub()
    fun changed(value: Float): Boolean = stub()
    fun changed(value: Int): Boolean = stub()
    fun changed(value: Long): Boolean = stub()
    fun changed(value: Short): Boolean = stub()
    fun changedInstance(value: Any?): Boolean = stub()
    fun endDefaults()
    fun endMovableGroup()
    fun endReplaceGroup()
    fun endReplaceableGroup()
    fun endRestartGroup(): ScopeUpdateScope?
    fun endToMarker(marker: Int)
    val currentMarker: Int
    val defaultsInvalid: Boolean
    val inserting: Boolean
    val skipping: Boolean
    fun rememberedValue(): Any?
    fun skipCurrentGroup()
    fun skipToGroupEnd()
    fun sourceInformation(sourceInformation: String)
    fun sourceInformationMarkerEnd()
    fun sourceInformationMarkerStart(key: Int, sourceInformation: String)
    fun startDefaults()
    fun startMovableGroup(key: Int, dataKey: Any?)
    fun startReplaceGroup(key: Int)
    fun startReplaceableGroup(key: Int)
    fun startRestartGroup(key: Int): Composer
    fun updateRememberedValue(value: Any?)
    fun joinKey(left: Any?, right: Any?): Any

    companion object {
        val Empty: Any = stub()
    }
}

interface ScopeUpdateScope {
    fun updateScope(block: (Composer, Int) -> Unit)
}

interface RecomposeScope {
    fun invalidate()
}

inline fun <T> Composer.cache(invalid: Boolean, block: @DisallowComposableCalls () -> T): T = stub()

fun isTraceInProgress(): Boolean = stub()

fun sourceInformation(composer: Composer, sourceInformation: String): Unit = stub()

fun sourceInformationMarkerEnd(composer: Composer): Unit = stub()

fun sourceInformationMarkerStart(composer: Composer, key: Int, sourceInformation: String): Unit = stub()

fun traceEventEnd(): Unit = stub()

fun traceEventStart(key: Int, dirty1: Int, dirty2: Int, info: String): Unit = stub()

val currentComposer: Composer
    @ReadOnlyComposable @Composable get() = stub()

fun updateChangedFlags(flags: Int): Int = stub()

@Target(AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY_GETTER, AnnotationTarget.PROPERTY)
@Retention(AnnotationRetention.BINARY)
annotation class Stable

@Target(AnnotationTarget.CLASS)
@Retention(AnnotationRetention.BINARY)
annotation class Immutable
