package android.content.res;

public class AssetFileDescriptor implements java.io.Closeable {
    public native java.io.FileDescriptor getFileDescriptor();
    public native long getStartOffset();
    public native long getDeclaredLength();
    public native void close() throws java.io.IOException;
}
