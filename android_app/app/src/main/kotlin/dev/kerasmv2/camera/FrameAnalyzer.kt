package dev.kerasmv2.camera

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import dev.kerasmv2.core.Frame

/**
 * CameraX analyzer (RGBA_8888 output, keep-only-latest): hands each frame's pixels and rotationDegrees
 * to the core's pipeline. Runs on the analysis executor; it never throws, since an exception would end
 * that executor's thread, the thread the engine belongs to.
 */
class FrameAnalyzer(
    private val onFrame: (Frame) -> Unit,
    private val onError: (Exception) -> Unit,
) : ImageAnalysis.Analyzer {
    override fun analyze(image: ImageProxy) {
        image.use { frame ->
            try {
                val bitmap = frame.toBitmap()
                val pixels = IntArray(bitmap.width * bitmap.height)
                bitmap.getPixels(pixels, 0, bitmap.width, 0, 0, bitmap.width, bitmap.height)
                onFrame(Frame(pixels, bitmap.width, bitmap.height, frame.imageInfo.rotationDegrees))
            } catch (error: Exception) {
                onError(error)
            }
        }
    }
}
