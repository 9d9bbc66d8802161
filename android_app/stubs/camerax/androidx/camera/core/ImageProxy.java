package androidx.camera.core;

import androidx.annotation.NonNull;

/** ImageProxy (interface) extends java.lang.AutoCloseable. */
public interface ImageProxy extends AutoCloseable {
    /** close(). */
    @Override void close();

    /** getImageInfo(): ImageInfo. */
    @NonNull ImageInfo getImageInfo();

    /** default toBitmap(): android.graphics.Bitmap. */
    @NonNull default android.graphics.Bitmap toBitmap() { return null; }
}
