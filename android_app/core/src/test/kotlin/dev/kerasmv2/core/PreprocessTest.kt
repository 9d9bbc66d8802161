package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class PreprocessTest {
    private fun argb(r: Int, g: Int, b: Int) = (0xFF shl 24) or (r shl 16) or (g shl 8) or b

    // A 3 x 2 image with distinct pixels 0..5:
    //   0 1 2
    //   3 4 5
    private val pixels = IntArray(6) { it }

    @Test
    fun rotatesClockwiseLikeCameraXRotationDegrees() {
        val (r90, w90) = Preprocess.rotate(pixels, 3, 2, 90)
        assertEquals(2, w90)
        assertContentEquals(intArrayOf(3, 0, 4, 1, 5, 2), r90) // 3 0 / 4 1 / 5 2
        assertContentEquals(intArrayOf(5, 4, 3, 2, 1, 0), Preprocess.rotate(pixels, 3, 2, 180).first)
        assertContentEquals(intArrayOf(2, 5, 1, 4, 0, 3), Preprocess.rotate(pixels, 3, 2, 270).first)
        assertContentEquals(pixels, Preprocess.rotate(pixels, 3, 2, -360).first)
        assertFailsWith<IllegalArgumentException> { Preprocess.rotate(pixels, 3, 2, 45) }
    }

    @Test
    fun fourQuarterTurnsAreTheIdentity() {
        var image = IntArray(12) { it * 7 }
        var width = 4
        var height = 3
        repeat(4) {
            val (rotated, newWidth) = Preprocess.rotate(image, width, height, 90)
            image = rotated
            height = width
            width = newWidth
        }
        assertContentEquals(IntArray(12) { it * 7 }, image)
    }

    @Test
    fun cropsTheCentreSquareAndKeepsChannelOrder() {
        // 4 x 2 image: the outer columns are red, the centre 2 x 2 square is (10, 20, 30).
        val image = IntArray(8) { i -> if (i % 4 == 0 || i % 4 == 3) argb(255, 0, 0) else argb(10, 20, 30) }
        val out = Preprocess.cropResizeRgb(image, 4, 2, 2, 2)
        assertContentEquals(FloatArray(12) { listOf(10f, 20f, 30f)[it % 3] }, out)
    }

    @Test
    fun resizesBilinearly() {
        // 2 x 2 grey ramp upsampled to 4 x 4 with half-pixel centres (as PIL and the evaluation transform).
        val image = intArrayOf(argb(0, 0, 0), argb(100, 100, 100), argb(100, 100, 100), argb(200, 200, 200))
        val out = Preprocess.cropResizeRgb(image, 2, 2, 4, 4)
        val red = FloatArray(16) { out[it * 3] }
        assertEquals(0f, red[0])
        assertEquals(25f, red[1], 1e-4f)
        assertEquals(200f, red[15])
        assertEquals(50f, red[5], 1e-4f) // (0.75 * 0 + 0.25 * 100) and (0.75 * 100 + 0.25 * 200), blended 3:1
        assertEquals(red[6], red[9], 1e-4f)
    }

    /**
     * The evaluation transform for a 256 model resizes the short side to 288 and keeps the centre 256: on a
     * 288 x 288 frame that is everything but a 16-pixel border. Cropping the whole short side shows the border.
     */
    @Test
    fun keepsTheEvaluationCropNotTheWholeShortSide() {
        val inside = argb(10, 20, 30)
        val frame = IntArray(288 * 288) { i ->
            val x = i % 288
            val y = i / 288
            if (x < 16 || y < 16 || x >= 272 || y >= 272) argb(255, 0, 0) else inside
        }
        val out = Preprocess.cropResizeRgb(frame, 288, 288, 256, 256)
        for (pixel in 0 until 256 * 256) {
            assertEquals(10f, out[pixel * 3], "red channel of output pixel $pixel")
            assertEquals(30f, out[pixel * 3 + 2], "blue channel of output pixel $pixel")
        }
        val whole = Preprocess.cropResizeRgb(frame, 288, 288, 256, 256, resizeRatio = 1.0)
        assertEquals(255f, whole[0], "resizeRatio 1 keeps the whole short side, border included")
    }

    @Test
    fun evaluationCropGeometryFollowsTheShortSide() {
        // A 640 x 480 camera frame for a 256 x 256 model: 480 * 256 / 288 = 426.67 pixels square, centred.
        val (left, top, width, height) = Preprocess.evalCrop(640, 480, 256, 256)
        assertEquals(480.0 * 256 / 288, width, 1e-9)
        assertEquals(width, height, 1e-9)
        assertEquals((640 - width) / 2, left, 1e-9)
        assertEquals((480 - height) / 2, top, 1e-9)
        // Portrait frames crop the same fraction of their (horizontal) short side.
        val portrait = Preprocess.evalCrop(480, 640, 256, 256)
        assertEquals(width, portrait[2], 1e-9)
        // A 64 x 64 model resizes the short side to 72: the fraction is the same 8/9.
        assertEquals(300.0 * 64 / 72, Preprocess.evalCrop(400, 300, 64, 64)[2], 1e-9)
        // A non-square 320 x 200 (W x H) model: short side 200 -> 225, so 200/225 of the frame's short side is kept.
        val wide = Preprocess.evalCrop(900, 450, 320, 200)
        assertEquals(450.0 * 200 / 225, wide[3], 1e-9)
        assertEquals(450.0 * 320 / 225, wide[2], 1e-9)
        assertFailsWith<IllegalArgumentException> { Preprocess.evalCrop(10, 10, 4, 4, resizeRatio = 0.5) }
    }
}
