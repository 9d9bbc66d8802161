package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class QuantizationTest {
    @Test
    fun quantizesRealValuesWithScaleAndZeroPoint() {
        val uint8 = Quantization(scale = 0.5f, zeroPoint = 10)
        assertEquals(10, uint8.quantize(0f, TensorElementType.UINT8))
        assertEquals(14, uint8.quantize(2f, TensorElementType.UINT8)) // 2 / 0.5 + 10
        assertEquals(255, uint8.quantize(1000f, TensorElementType.UINT8)) // clamped to the type
        assertEquals(0, uint8.quantize(-1000f, TensorElementType.UINT8))
        val int8 = Quantization(scale = 1f, zeroPoint = -128)
        assertEquals(-128, int8.quantize(0f, TensorElementType.INT8))
        assertEquals(127, int8.quantize(255f, TensorElementType.INT8))
        assertEquals(127, int8.quantize(300f, TensorElementType.INT8))
    }

    @Test
    fun roundsHalfAwayFromZeroLikeLiteRtKernels() {
        val unit = Quantization(scale = 1f, zeroPoint = 0)
        assertEquals(3, unit.quantize(2.5f, TensorElementType.INT8))
        assertEquals(-3, unit.quantize(-2.5f, TensorElementType.INT8))
        assertEquals(2, unit.quantize(2.49f, TensorElementType.INT8))
    }

    @Test
    fun dequantizesAndRefusesNonsense() {
        assertEquals(-2f, Quantization(0.25f, 8).dequantize(0))
        assertFailsWith<IllegalArgumentException> { Quantization(0f, 0) }
        assertFailsWith<IllegalArgumentException> { Quantization(1f, 0).quantize(1f, TensorElementType.FLOAT32) }
        assertFailsWith<IllegalArgumentException> { TensorInfo("x", TensorElementType.INT8, listOf(1), null) }
        assertEquals(TensorElementType.INT8, TensorElementType.fromProperty("int8"))
        assertFailsWith<IllegalArgumentException> { TensorElementType.fromProperty("float16") }
    }
}
