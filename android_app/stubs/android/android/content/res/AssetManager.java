package android.content.res;

public final class AssetManager {
    public native java.io.InputStream open(String fileName) throws java.io.IOException;
    public native AssetFileDescriptor openFd(String fileName) throws java.io.IOException;
    public native String[] list(String path) throws java.io.IOException;
}
