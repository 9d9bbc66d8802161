// The Compose runtime's compiler API (ComposeCompilerApi entries of compose/runtime/runtime/api/1.7.0-beta07.txt,
// see Runtime.kt): what the Compose compiler plugin's lowering generates calls to. Only the members it looked
// up for this app are declared; each matches its entry.
package androidx.compose.runtime

import dev.kerasmv2.stubs.stub

// Composer (sealed interface)
sealed interface Composer {
    fun changed(value: Any?): Boolean // Composer.changed(Object?)

    fun changed(value: Boolean): Boolean = stub() // Composer.changed(boolean), default

    fun changed(value: Byte): Boolean = stub() // Composer.changed(byte), default

    fun changed(value: Char): Boolean = stub() // Composer.changed(char), default

    fun changed(value: Double): Boolean = stub() // Composer.changed(double), default

    fun changed(value: Float): Boolean = stub() // Composer.changed(float), default

    fun changed(value: Int): Boolean = stub() // Composer.changed(int), default

    fun changed(value: Long): Boolean = stub() // Composer.changed(long), default

    fun changed(value: Short): Boolean = stub() // Composer.changed(short), default

    fun changedInstance(value: Any?): Boolean = stub() // Composer.changedInstance(Object?), default

    fun endDefaults() // Composer.endDefaults()

    fun endMovableGroup() // Composer.endMovableGroup()

    fun endReplaceGroup() // Composer.endReplaceGroup()

    fun endReplaceableGroup() // Composer.endReplaceableGroup()

    fun endRestartGroup(): ScopeUpdateScope? // Composer.endRestartGroup()

    fun endToMarker(marker: Int) // Composer.endToMarker(int marker)

    val currentMarker: Int // Composer property currentMarker

    val defaultsInvalid: Boolean // Composer property defaultsInvalid

    val inserting: Boolean // Composer property inserting

    val skipping: Boolean // Composer property skipping

    fun joinKey(left: Any?, right: Any?): Any // Composer.joinKey(Object? left, Object? right)

    fun rememberedValue(): Any? // Composer.rememberedValue()

    fun skipCurrentGroup() // Composer.skipCurrentGroup()

    fun skipToGroupEnd() // Composer.skipToGroupEnd()

    fun sourceInformation(sourceInformation: String) // Composer.sourceInformation(String)

    fun sourceInformationMarkerEnd() // Composer.sourceInformationMarkerEnd()

    fun sourceInformationMarkerStart(key: Int, sourceInformation: String) // Composer.sourceInformationMarkerStart

    fun startDefaults() // Composer.startDefaults()

    fun startMovableGroup(key: Int, dataKey: Any?) // Composer.startMovableGroup(int key, Object? dataKey)

    fun startReplaceGroup(key: Int) // Composer.startReplaceGroup(int key)

    fun startReplaceableGroup(key: Int) // Composer.startReplaceableGroup(int key)

    fun startRestartGroup(key: Int): Composer // Composer.startRestartGroup(int key)

    fun updateRememberedValue(value: Any?) // Composer.updateRememberedValue(Object? value)

    // Composer.Companion: Empty (Object)
    companion object {
        val Empty: Any = stub()
    }
}

// ScopeUpdateScope (interface): updateScope(Function2<Composer, Integer, Unit> block)
interface ScopeUpdateScope {
    fun updateScope(block: (Composer, Int) -> Unit)
}

// RecomposeScope (interface): invalidate()
interface RecomposeScope {
    fun invalidate()
}

// ComposerKt.cache(Composer, boolean invalid, Function0<T> block): inline
inline fun <T> Composer.cache(invalid: Boolean, block: @DisallowComposableCalls () -> T): T = stub()

fun isTraceInProgress(): Boolean = stub() // ComposerKt.isTraceInProgress()

fun sourceInformation(composer: Composer, sourceInformation: String): Unit = stub() // ComposerKt.sourceInformation

fun sourceInformationMarkerEnd(composer: Composer): Unit = stub() // ComposerKt.sourceInformationMarkerEnd

// ComposerKt.sourceInformationMarkerStart(Composer composer, int key, String sourceInformation)
fun sourceInformationMarkerStart(composer: Composer, key: Int, sourceInformation: String): Unit = stub()

fun traceEventEnd(): Unit = stub() // ComposerKt.traceEventEnd()

// ComposerKt.traceEventStart(int key, int dirty1, int dirty2, String info)
fun traceEventStart(key: Int, dirty1: Int, dirty2: Int, info: String): Unit = stub()

// ComposablesKt.currentComposer (@Composable @ReadOnlyComposable property)
val currentComposer: Composer
    @ReadOnlyComposable @Composable get() = stub()

// Immutable (MustBeDocumented, BINARY, CLASS)
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS)
annotation class Immutable
