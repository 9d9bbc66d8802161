package androidx.camera.core;

import androidx.annotation.NonNull;

/** CameraSelector (final class). */
public final class CameraSelector {
    /** field DEFAULT_BACK_CAMERA (static final CameraSelector). */
    @NonNull public static final CameraSelector DEFAULT_BACK_CAMERA = null;
}
