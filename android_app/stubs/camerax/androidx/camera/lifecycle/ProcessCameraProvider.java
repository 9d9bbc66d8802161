package androidx.camera.lifecycle;

import androidx.annotation.NonNull;
import androidx.camera.core.Camera;
import androidx.camera.core.CameraSelector;
import androidx.camera.core.UseCase;
import androidx.camera.core.UseCaseGroup;
import com.google.common.util.concurrent.ListenableFuture;

/**
 * ProcessCameraProvider (final class), checked against camera/camera-lifecycle/api/1.4.0-beta01.txt
 * (androidx/androidx at 66b8d6f6ec53); each comment names the entry. ListenableFuture is Guava's (the real
 * interface, from Debian's libguava-java).
 */
public final class ProcessCameraProvider {
    /** static getInstance(android.content.Context): ListenableFuture of ProcessCameraProvider (a platform type). */
    @NonNull public static native ListenableFuture<ProcessCameraProvider> getInstance(@NonNull android.content.Context context);

    /** bindToLifecycle(LifecycleOwner, CameraSelector, UseCase!...): Camera. */
    @NonNull public native Camera bindToLifecycle(@NonNull androidx.lifecycle.LifecycleOwner lifecycleOwner, @NonNull CameraSelector cameraSelector, UseCase... useCases);

    /** bindToLifecycle(LifecycleOwner, CameraSelector, UseCaseGroup): Camera. */
    @NonNull public native Camera bindToLifecycle(@NonNull androidx.lifecycle.LifecycleOwner lifecycleOwner, @NonNull CameraSelector cameraSelector, @NonNull UseCaseGroup useCaseGroup);

    /** unbind(UseCase!...). */
    public native void unbind(UseCase... useCases);

    /** unbindAll(). */
    public native void unbindAll();
}
