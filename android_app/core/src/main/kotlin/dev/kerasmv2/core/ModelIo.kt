package dev.kerasmv2.core

/** One frame, in the input tensor's own element type: floats, or the raw bytes of 8-bit values. */
sealed interface TensorData {
    class Floats(val values: FloatArray) : TensorData

    /** uint8 and int8 alike: the bytes hold the integer's bits (uint8 200 is the byte -56). */
    class Bytes(val values: ByteArray) : TensorData
}

/**
 * Turns a preprocessed frame into what the model's input tensor takes, and its output tensor into scores,
 * for float32 and for uint8/int8 quantised tensors.
 *
 * The frame arrives as RGB in [0, 255] (HWC). The real value the model was exported for is
 * (v - mean) / std from the model's metadata; a quantised input then stores
 * round(real / scale) + zeroPoint, and a quantised output means scale * (q - zeroPoint).
 */
class ModelIo(val spec: ModelSpec, val input: TensorInfo, val output: TensorInfo) {
    init {
        require(input.type == spec.inputType) {
            "${spec.modelFile}: its .properties say input_type ${spec.inputType.propertyName}, the model's input is ${input.type.propertyName}"
        }
        val expectedShape = listOf(1, spec.inputHeight, spec.inputWidth, 3)
        require(input.shape == expectedShape) {
            "${spec.modelFile}: the model's input shape is ${input.shape}, its .properties say $expectedShape"
        }
        require(output.shape.lastOrNull() == spec.classes && output.shape.fold(1) { a, b -> a * b } == spec.classes) {
            "${spec.modelFile}: the model's output shape is ${output.shape}, its .properties say ${spec.classes} classes"
        }
    }

    val inputSize: Int get() = spec.inputWidth * spec.inputHeight * 3

    fun encode(rgb: FloatArray): TensorData {
        require(rgb.size == inputSize) { "${rgb.size} values for an input of $inputSize" }
        val mean = spec.normalizationMean
        val std = spec.normalizationStd
        val quantization = input.quantization
        if (!input.type.quantized || quantization == null) {
            return TensorData.Floats(FloatArray(rgb.size) { (rgb[it] - mean) / std })
        }
        return TensorData.Bytes(ByteArray(rgb.size) { quantization.quantize((rgb[it] - mean) / std, input.type).toByte() })
    }

    fun decode(data: TensorData): FloatArray {
        val quantization = output.quantization
        return when (data) {
            is TensorData.Floats -> {
                require(!output.type.quantized) { "float output given for a ${output.type.propertyName} output tensor" }
                require(data.values.size == spec.classes) { "${data.values.size} scores for ${spec.classes} classes" }
                data.values.copyOf()
            }
            is TensorData.Bytes -> {
                require(output.type.quantized && quantization != null) { "8-bit output given for a float32 output tensor" }
                require(data.values.size == spec.classes) { "${data.values.size} scores for ${spec.classes} classes" }
                val unsigned = output.type == TensorElementType.UINT8
                FloatArray(data.values.size) {
                    val raw = data.values[it].toInt()
                    quantization.dequantize(if (unsigned) raw and 0xFF else raw)
                }
            }
        }
    }

    companion object {
        /** Checks the model's own tensors against its `.properties` and builds the converter. */
        fun of(spec: ModelSpec, signature: TfliteModelReader.Signature): ModelIo {
            require(signature.inputs.size == 1) { "${spec.modelFile}: ${signature.inputs.size} inputs, the app feeds one image" }
            require(signature.outputs.size == 1) { "${spec.modelFile}: ${signature.outputs.size} outputs, the app reads one score vector" }
            return ModelIo(spec, signature.inputs[0], signature.outputs[0])
        }
    }
}
