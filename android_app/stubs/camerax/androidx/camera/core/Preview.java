package androidx.camera.core;

import androidx.annotation.NonNull;
import androidx.annotation.Nullable;

public final class Preview extends UseCase {
    public native void setSurfaceProvider(@Nullable SurfaceProvider surfaceProvider);
    public native void setTargetRotation(int targetRotation);

    public interface SurfaceProvider {}

    public static final class Builder {
        public Builder() {}
        @NonNull public native Builder setTargetRotation(int rotation);
        @NonNull public native Preview build();
    }
}
