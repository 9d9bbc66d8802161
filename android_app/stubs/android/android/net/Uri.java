package android.net;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public abstract class Uri {
    public static native Uri fromParts(String scheme, String ssp, String fragment);
}
