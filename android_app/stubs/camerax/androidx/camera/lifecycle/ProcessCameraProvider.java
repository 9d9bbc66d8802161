package androidx.camera.lifecycle;

import androidx.annotation.NonNull;
import androidx.camera.core.Camera;
import androidx.camera.core.CameraSelector;
import androidx.camera.core.UseCase;
import com.google.common.util.concurrent.ListenableFuture;

public final class ProcessCameraProvider {
    @NonNull public static native ListenableFuture<ProcessCameraProvider> getInstance(@NonNull android.content.Context context);
    @NonNull public native Camera bindToLifecycle(@NonNull androidx.lifecycle.LifecycleOwner lifecycleOwner, @NonNull CameraSelector cameraSelector, @NonNull UseCase... useCases);
    public native void unbind(@NonNull UseCase... useCases);
    public native void unbindAll();
}
