package androidx.camera.view;

import androidx.annotation.NonNull;
import androidx.camera.core.Preview;

/**
 * PreviewView (final class) extends android.widget.FrameLayout, checked against
 * camera/camera-view/api/restricted_1.4.0-beta03.txt (androidx/androidx at 61c74a22781a); each comment names
 * the entry.
 */
public final class PreviewView extends android.widget.FrameLayout {
    /** constructor PreviewView(android.content.Context). */
    public PreviewView(@NonNull android.content.Context context) { super(context); }

    /** getSurfaceProvider(): Preview.SurfaceProvider. */
    @NonNull public native Preview.SurfaceProvider getSurfaceProvider();
}
