package android.hardware.display;

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
