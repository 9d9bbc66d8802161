package dev.kerasmv2.camera

import android.os.SystemClock
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import dev.kerasmv2.core.Category
import dev.kerasmv2.core.LatencyTracker
import dev.kerasmv2.core.ModelSpec
import dev.kerasmv2.core.Preprocess
import dev.kerasmv2.core.ScoreSmoother
import dev.kerasmv2.core.TopK

/** What the overlay shows after each frame. */
data class Classification(val top: List<Category>, val latency: String)

/**
 * CameraX analyzer (RGBA_8888 output, keep-only-latest): upright the frame by its rotationDegrees, crop the
 * centre square, resize, normalise as the model's metadata says, run, smooth, pick the top results.
 */
class FrameAnalyzer(
    private val spec: ModelSpec,
    private val labels: List<String>,
    private val engine: InferenceEngine,
    private val settings: Settings,
    private val onResult: (Classification) -> Unit,
) : ImageAnalysis.Analyzer {
    private val smoother = ScoreSmoother()
    private val latency = LatencyTracker()

    override fun analyze(image: ImageProxy) {
        image.use { frame ->
            val bitmap = frame.toBitmap()
            val pixels = IntArray(bitmap.width * bitmap.height)
            bitmap.getPixels(pixels, 0, bitmap.width, 0, 0, bitmap.width, bitmap.height)
            val degrees = frame.imageInfo.rotationDegrees
            val (upright, width) = Preprocess.rotate(pixels, bitmap.width, bitmap.height, degrees)
            val height = upright.size / width
            val input = Preprocess.cropResizeRgb(upright, width, height, spec.inputWidth, spec.inputHeight)
            Preprocess.normalize(input, spec.normalizationMean, spec.normalizationStd)
            val start = SystemClock.elapsedRealtimeNanos()
            val scores = engine.run(input)
            latency.add((SystemClock.elapsedRealtimeNanos() - start) / 1e6)
            val smoothed = smoother.update(scores)
            onResult(Classification(TopK.select(smoothed, labels, settings.maxResults, settings.scoreThreshold), latency.summary()))
        }
    }
}
