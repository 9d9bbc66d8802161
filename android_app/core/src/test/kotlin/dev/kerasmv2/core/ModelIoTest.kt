package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue

class ModelIoTest {
    private val rgb = FloatArray(4 * 4 * 3) { (it * 17 % 256).toFloat() }

    @Test
    fun floatInputIsNormalisedByTheMetadata() {
        val io = testIo(mean = 127.5f, std = 127.5f)
        val input = assertIs<TensorData.Floats>(io.encode(rgb))
        assertContentEquals(FloatArray(rgb.size) { (rgb[it] - 127.5f) / 127.5f }, input.values)
    }

    @Test
    fun uint8InputIsQuantisedWithScaleAndZeroPoint() {
        // Pixels 0..255 with mean 0, std 1 on a uint8 input of scale 1, zero point 0: the pixels themselves.
        val identity = testIo(TensorElementType.UINT8, Quantization(1f, 0))
        val bytes = assertIs<TensorData.Bytes>(identity.encode(rgb)).values
        assertContentEquals(IntArray(rgb.size) { rgb[it].toInt() }, IntArray(bytes.size) { bytes[it].toInt() and 0xFF })
        // Scale 2, zero point 3: q = round(v / 2) + 3.
        val scaled = testIo(TensorElementType.UINT8, Quantization(2f, 3))
        val q = assertIs<TensorData.Bytes>(scaled.encode(rgb)).values
        assertTrue(q.indices.all { (q[it].toInt() and 0xFF) == Math.floorDiv(rgb[it].toInt() + 1, 2) + 3 })
    }

    @Test
    fun int8InputUsesItsNegativeZeroPoint() {
        // int8 with zero point -128 and scale 1 stores v - 128: 0 -> -128, 255 -> 127.
        val io = testIo(TensorElementType.INT8, Quantization(1f, -128))
        val bytes = assertIs<TensorData.Bytes>(io.encode(rgb)).values
        assertContentEquals(IntArray(rgb.size) { rgb[it].toInt() - 128 }, IntArray(bytes.size) { bytes[it].toInt() })
        // Normalised to [-1, 1] (mean 127.5, std 127.5) on scale 1/128, zero point 0.
        val symmetric = testIo(TensorElementType.INT8, Quantization(1f / 128, 0), mean = 127.5f, std = 127.5f)
        val s = assertIs<TensorData.Bytes>(symmetric.encode(floatArrayOf(0f, 255f).let { FloatArray(48) { i -> it[i % 2] } })).values
        assertTrue(s[0] == (-128).toByte() && s[1] == 127.toByte(), "0 -> -128, 255 -> 128 clamped to 127")
    }

    @Test
    fun quantisedOutputsAreDequantised() {
        val uint8 = testIo(TensorElementType.UINT8, Quantization(1f / 256, 0), classes = 3)
        assertContentEquals(floatArrayOf(0f, 0.5f, 255f / 256), uint8.decode(TensorData.Bytes(byteArrayOf(0, -128, -1))))
        val int8 = testIo(TensorElementType.INT8, Quantization(1f / 256, -128), classes = 3)
        assertContentEquals(floatArrayOf(0f, 0.5f, 255f / 256), int8.decode(TensorData.Bytes(byteArrayOf(-128, 0, 127))))
        assertContentEquals(floatArrayOf(1f, 2f, 3f), testIo().decode(TensorData.Floats(floatArrayOf(1f, 2f, 3f))))
        assertFailsWith<IllegalArgumentException> { testIo().decode(TensorData.Bytes(ByteArray(3))) }
        assertFailsWith<IllegalArgumentException> { uint8.decode(TensorData.Floats(FloatArray(3))) }
    }

    @Test
    fun refusesAModelThatDisagreesWithItsProperties() {
        val spec = testSpec(TensorElementType.UINT8)
        val uint8 = TensorInfo("in", TensorElementType.UINT8, listOf(1, 4, 4, 3), Quantization(1f, 0))
        val out = TensorInfo("out", TensorElementType.FLOAT32, listOf(1, 3), null)
        ModelIo(spec, uint8, out)
        val type = assertFailsWith<IllegalArgumentException> { ModelIo(spec, uint8.copy(type = TensorElementType.INT8), out) }
        assertTrue("input_type uint8" in type.message!!, type.message)
        assertFailsWith<IllegalArgumentException> { ModelIo(spec, uint8.copy(shape = listOf(1, 8, 8, 3)), out) }
        assertFailsWith<IllegalArgumentException> { ModelIo(spec, uint8, out.copy(shape = listOf(1, 1000))) }
        assertFailsWith<IllegalArgumentException> { testIo().encode(FloatArray(5)) }
    }
}
