package android.content.pm;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public abstract class PackageManager {
    public static final int PERMISSION_GRANTED = 0;
}
