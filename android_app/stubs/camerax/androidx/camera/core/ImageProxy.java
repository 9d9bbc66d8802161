package androidx.camera.core;

import androidx.annotation.NonNull;

public interface ImageProxy extends AutoCloseable {
    @Override void close();
    @NonNull ImageInfo getImageInfo();
    @NonNull default android.graphics.Bitmap toBitmap() { return null; }
}
