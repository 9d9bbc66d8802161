package androidx.camera.core;

import androidx.annotation.NonNull;
import java.util.concurrent.Executor;

public final class ImageAnalysis extends UseCase {
    public static final int STRATEGY_KEEP_ONLY_LATEST = 0;
    public static final int OUTPUT_IMAGE_FORMAT_RGBA_8888 = 2;

    public native void setAnalyzer(@NonNull Executor executor, @NonNull Analyzer analyzer);
    public native void clearAnalyzer();
    public native void setTargetRotation(int rotation);

    public interface Analyzer {
        void analyze(@NonNull ImageProxy image);
    }

    public static final class Builder {
        public Builder() {}
        @NonNull public native Builder setTargetRotation(int rotation);
        @NonNull public native Builder setBackpressureStrategy(int strategy);
        @NonNull public native Builder setOutputImageFormat(int outputImageFormat);
        @NonNull public native ImageAnalysis build();
    }
}
