package dev.kerasmv2.core

/**
 * Camera frame -> model input, on packed ARGB pixels (what `ImageProxy.toBitmap()` gives), without Android.
 *
 * The frame is first turned upright ([rotate], by CameraX's `rotationDegrees`), then cropped and resized
 * bilinearly to the model's input with the geometry of the evaluation transform the accuracy was measured
 * with (`keras_mv2.applications.eval_transform`): resize the short side to size * 288/256, centre-crop
 * size. For a 256 x 256 model that keeps the centre 256/288 = 0.889 of the frame's short side, not all of it.
 * (The evaluation transform resizes with PIL's antialiased bicubic filter; this bilinear resize is close
 * but not identical.)
 */
object Preprocess {
    /** Short side of the resized image over the crop size in the evaluation transform: 288 / 256. */
    const val EVAL_RESIZE_RATIO: Double = 288.0 / 256.0

    /** Rotates packed pixels clockwise by 0, 90, 180 or 270 degrees; returns the pixels and the new width. */
    fun rotate(pixels: IntArray, width: Int, height: Int, degrees: Int): Pair<IntArray, Int> {
        require(pixels.size == width * height) { "pixel count ${pixels.size} is not $width x $height" }
        val turns = ((degrees % 360) + 360) % 360
        require(turns % 90 == 0) { "rotation must be a multiple of 90 degrees, got $degrees" }
        return when (turns) {
            0 -> pixels.copyOf() to width
            180 -> IntArray(pixels.size) { pixels[pixels.size - 1 - it] } to width
            90 -> IntArray(pixels.size) { i ->
                val x = i % height
                val y = i / height
                pixels[(height - 1 - x) * width + y]
            } to height
            else -> IntArray(pixels.size) { i ->
                val x = i % height
                val y = i / height
                pixels[x * width + (width - 1 - y)]
            } to height
        }
    }

    /**
     * The region of a [width] x [height] frame that the evaluation transform would keep for an
     * [outWidth] x [outHeight] model: (left, top, crop width, crop height) in frame pixels. The short side is
     * scaled to round(min(outWidth, outHeight) * [resizeRatio]) (Python's round: ties to even), then the
     * centred [outWidth] x [outHeight] is kept; `resizeRatio = 1` keeps the whole short side.
     */
    fun evalCrop(width: Int, height: Int, outWidth: Int, outHeight: Int, resizeRatio: Double = EVAL_RESIZE_RATIO): DoubleArray {
        require(width > 0 && height > 0 && outWidth > 0 && outHeight > 0) { "sizes must be positive" }
        require(resizeRatio >= 1.0) { "the crop cannot be larger than the resized image (ratio $resizeRatio)" }
        val resizedShort = Math.rint(minOf(outWidth, outHeight) * resizeRatio)
        val framePixelsPerResized = minOf(width, height) / resizedShort
        val cropWidth = minOf(outWidth * framePixelsPerResized, width.toDouble())
        val cropHeight = minOf(outHeight * framePixelsPerResized, height.toDouble())
        return doubleArrayOf((width - cropWidth) / 2, (height - cropHeight) / 2, cropWidth, cropHeight)
    }

    /**
     * The [evalCrop] region resized bilinearly (half-pixel centres) to [outWidth] x [outHeight]; RGB
     * channels in [0, 255], HWC order.
     */
    fun cropResizeRgb(
        pixels: IntArray,
        width: Int,
        height: Int,
        outWidth: Int,
        outHeight: Int,
        resizeRatio: Double = EVAL_RESIZE_RATIO,
    ): FloatArray {
        require(pixels.size == width * height && width > 0 && height > 0) { "pixel count does not match the size" }
        val (left, top, cropWidth, cropHeight) = evalCrop(width, height, outWidth, outHeight, resizeRatio)
        val out = FloatArray(outWidth * outHeight * 3)
        for (oy in 0 until outHeight) {
            val sy = (top + (oy + 0.5) * cropHeight / outHeight - 0.5).coerceIn(0.0, height - 1.0)
            val y0 = sy.toInt()
            val y1 = minOf(y0 + 1, height - 1)
            val fy = (sy - y0).toFloat()
            for (ox in 0 until outWidth) {
                val sx = (left + (ox + 0.5) * cropWidth / outWidth - 0.5).coerceIn(0.0, width - 1.0)
                val x0 = sx.toInt()
                val x1 = minOf(x0 + 1, width - 1)
                val fx = (sx - x0).toFloat()
                for (channel in 0 until 3) {
                    val shift = 16 - 8 * channel
                    fun at(x: Int, y: Int) = ((pixels[y * width + x] ushr shift) and 0xFF).toFloat()
                    val topRow = at(x0, y0) * (1 - fx) + at(x1, y0) * fx
                    val bottomRow = at(x0, y1) * (1 - fx) + at(x1, y1) * fx
                    out[(oy * outWidth + ox) * 3 + channel] = topRow * (1 - fy) + bottomRow * fy
                }
            }
        }
        return out
    }
}
