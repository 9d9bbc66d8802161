package androidx.camera.core;

import androidx.annotation.NonNull;

public final class CameraSelector {
    @NonNull public static final CameraSelector DEFAULT_BACK_CAMERA = null;
}
