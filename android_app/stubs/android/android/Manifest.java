package android;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Manifest.permission.CAMERA is checked against AOSP's core/api/current.txt
 * (aosp-mirror/platform_frameworks_base at f17d4f144044); declarations only, never compiled to classes or run.
 */
public final class Manifest {
    public static final class permission {
        public static final String CAMERA = "android.permission.CAMERA";
    }
}
