package androidx.compose.runtime

// The runtime's ComposeVersion (internal, so in no API file; ComposeVersion.kt in the runtime's sources) tells
// the Compose compiler plugin which runtime it lowers for. The plugin in Kotlin 2.3.20 requires at least
// 3300 (runtime 1.0.0, its VersionChecker) and otherwise finds features by looking the runtime's symbols up,
// so the stub states that minimum rather than the 1.7 line's own number.
internal object ComposeVersion {
    const val version: Int = 3300
}
