package androidx.compose.runtime

internal object ComposeVersion {
    const val version: Int = 11900
}
