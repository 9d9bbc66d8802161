package android.hardware.display;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public final class DisplayManager {
    public native android.view.Display getDisplay(int displayId);
    public native void registerDisplayListener(DisplayListener listener, android.os.Handler handler);
    public native void unregisterDisplayListener(DisplayListener listener);

    public interface DisplayListener {
        void onDisplayAdded(int displayId);
        void onDisplayRemoved(int displayId);
        void onDisplayChanged(int displayId);
    }
}
