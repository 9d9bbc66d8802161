package androidx.camera.view;

import androidx.annotation.NonNull;
import androidx.camera.core.Preview;

public final class PreviewView extends android.widget.FrameLayout {
    public PreviewView(@NonNull android.content.Context context) { super(context); }
    @NonNull public native Preview.SurfaceProvider getSurfaceProvider();
}
