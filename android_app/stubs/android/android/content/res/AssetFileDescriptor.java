package android.content.res;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public class AssetFileDescriptor implements java.io.Closeable {
    public native java.io.FileDescriptor getFileDescriptor();
    public native long getStartOffset();
    public native long getDeclaredLength();
    public native void close() throws java.io.IOException;
}
