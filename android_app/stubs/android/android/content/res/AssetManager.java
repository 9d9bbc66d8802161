package android.content.res;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public final class AssetManager {
    public native java.io.InputStream open(String fileName) throws java.io.IOException;
    public native AssetFileDescriptor openFd(String fileName) throws java.io.IOException;
    public native String[] list(String path) throws java.io.IOException;
}
