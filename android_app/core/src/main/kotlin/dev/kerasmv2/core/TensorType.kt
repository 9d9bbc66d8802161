package dev.kerasmv2.core

import kotlin.math.abs
import kotlin.math.floor
import kotlin.math.sign

/**
 * The element types an exported classifier can take or give: float32, or 8-bit integers that stand for
 * real values through a [Quantization]. The names are the ones `mv2 export` writes as `input_type`.
 */
enum class TensorElementType(val propertyName: String, val min: Int, val max: Int) {
    FLOAT32("float32", 0, 0),
    UINT8("uint8", 0, 255),
    INT8("int8", -128, 127);

    val quantized: Boolean get() = this != FLOAT32

    companion object {
        fun fromProperty(name: String): TensorElementType =
            entries.firstOrNull { it.propertyName == name }
                ?: throw IllegalArgumentException("input_type '$name' is not one of ${entries.map { it.propertyName }}")
    }
}

/**
 * Affine quantisation of one tensor, real = scale * (q - zeroPoint), as the `.tflite` stores it. Rounding
 * is half away from zero (C's `round`, as LiteRT's quantize kernels) and the result is clamped to the
 * type's range; the project's Python runtime rounds ties to even, so the two agree except on exact ties.
 */
data class Quantization(val scale: Float, val zeroPoint: Int) {
    init {
        require(scale > 0f && scale.isFinite()) { "quantisation scale must be positive and finite, got $scale" }
    }

    fun quantize(real: Float, type: TensorElementType): Int {
        require(type.quantized) { "float32 tensors are not quantised" }
        val x = real.toDouble() / scale
        val rounded = sign(x) * floor(abs(x) + 0.5)
        return (rounded + zeroPoint).coerceIn(type.min.toDouble(), type.max.toDouble()).toInt()
    }

    fun dequantize(q: Int): Float = scale * (q - zeroPoint)
}

/** What the app needs to know about one input or output tensor of a `.tflite` file. */
data class TensorInfo(
    val name: String,
    val type: TensorElementType,
    val shape: List<Int>,
    val quantization: Quantization?,
) {
    init {
        require(!type.quantized || quantization != null) { "tensor '$name' is $type but has no quantisation parameters" }
    }
}
