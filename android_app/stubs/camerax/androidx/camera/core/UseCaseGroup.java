package androidx.camera.core;

/** UseCaseGroup (final class): named by ProcessCameraProvider.bindToLifecycle's overload. */
public final class UseCaseGroup {}
