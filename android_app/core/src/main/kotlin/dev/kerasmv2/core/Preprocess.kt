package dev.kerasmv2.core

/**
 * Camera frame -> model input, on packed ARGB pixels (what `ImageProxy.toBitmap()` gives), without Android.
 *
 * The frame is first turned upright ([rotate], by CameraX's `rotationDegrees`), then the largest centred
 * square is cropped and resized bilinearly to the model's input, as the evaluation transform crops.
 */
object Preprocess {
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
     * Centre square crop and bilinear resize to [outWidth] x [outHeight]; RGB channels in [0, 255], HWC order.
     */
    fun cropResizeRgb(pixels: IntArray, width: Int, height: Int, outWidth: Int, outHeight: Int): FloatArray {
        require(pixels.size == width * height && width > 0 && height > 0) { "pixel count does not match the size" }
        val side = minOf(width, height)
        val left = (width - side) / 2.0
        val top = (height - side) / 2.0
        val out = FloatArray(outWidth * outHeight * 3)
        for (oy in 0 until outHeight) {
            val sy = (top + (oy + 0.5) * side / outHeight - 0.5).coerceIn(0.0, height - 1.0)
            val y0 = sy.toInt()
            val y1 = minOf(y0 + 1, height - 1)
            val fy = (sy - y0).toFloat()
            for (ox in 0 until outWidth) {
                val sx = (left + (ox + 0.5) * side / outWidth - 0.5).coerceIn(0.0, width - 1.0)
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

    /** Applies the model's normalisation, (v - mean) / std, in place; returns [values]. */
    fun normalize(values: FloatArray, mean: Float, std: Float): FloatArray {
        require(std > 0f) { "std must be positive" }
        for (i in values.indices) values[i] = (values[i] - mean) / std
        return values
    }
}
