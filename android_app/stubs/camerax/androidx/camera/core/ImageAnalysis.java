package androidx.camera.core;

import androidx.annotation.NonNull;
import java.util.concurrent.Executor;

/** ImageAnalysis (final class) extends UseCase. */
public final class ImageAnalysis extends UseCase {
    /** field STRATEGY_KEEP_ONLY_LATEST = 0. */
    public static final int STRATEGY_KEEP_ONLY_LATEST = 0;
    /** field OUTPUT_IMAGE_FORMAT_RGBA_8888 = 2. */
    public static final int OUTPUT_IMAGE_FORMAT_RGBA_8888 = 2;

    /** setAnalyzer(java.util.concurrent.Executor, ImageAnalysis.Analyzer). */
    public native void setAnalyzer(@NonNull Executor executor, @NonNull Analyzer analyzer);

    /** clearAnalyzer(). */
    public native void clearAnalyzer();

    /** setTargetRotation(int). */
    public native void setTargetRotation(int rotation);

    /** ImageAnalysis.Analyzer (interface): analyze(ImageProxy); its other members have defaults. */
    public interface Analyzer {
        void analyze(@NonNull ImageProxy image);
    }

    /** ImageAnalysis.Builder (final class), public constructor. */
    public static final class Builder {
        public Builder() {}

        /** setTargetRotation(int): ImageAnalysis.Builder. */
        @NonNull public native Builder setTargetRotation(int rotation);

        /** setBackpressureStrategy(int): ImageAnalysis.Builder. */
        @NonNull public native Builder setBackpressureStrategy(int strategy);

        /** setOutputImageFormat(int): ImageAnalysis.Builder. */
        @NonNull public native Builder setOutputImageFormat(int outputImageFormat);

        /** build(): ImageAnalysis. */
        @NonNull public native ImageAnalysis build();
    }
}
