package androidx.camera.core;

import androidx.annotation.NonNull;
import androidx.annotation.Nullable;
import java.util.concurrent.Executor;

/** Preview (final class) extends UseCase. */
public final class Preview extends UseCase {
    /** setSurfaceProvider(Preview.SurfaceProvider?). */
    public native void setSurfaceProvider(@Nullable SurfaceProvider surfaceProvider);

    /** setSurfaceProvider(java.util.concurrent.Executor, Preview.SurfaceProvider?). */
    public native void setSurfaceProvider(@NonNull Executor executor, @Nullable SurfaceProvider surfaceProvider);

    /** setTargetRotation(int). */
    public native void setTargetRotation(int targetRotation);

    /** Preview.SurfaceProvider (interface; the app only passes PreviewView's). */
    public interface SurfaceProvider {}

    /** Preview.Builder (final class), public constructor. */
    public static final class Builder {
        public Builder() {}

        /** setTargetRotation(int): Preview.Builder. */
        @NonNull public native Builder setTargetRotation(int rotation);

        /** build(): Preview. */
        @NonNull public native Preview build();
    }
}
