package androidx.camera.core;

/** ImageInfo (interface). */
public interface ImageInfo {
    /** getRotationDegrees(): int. */
    int getRotationDegrees();
}
