package dev.kerasmv2.core

import java.io.Reader
import java.util.Properties

/**
 * What the app must know about an exported model, read from the `<model>.properties` file that
 * `mv2 export --app-assets` writes beside it (the same values as the model's metadata).
 *
 * Pixel values v in [0, 255] become (v - mean) / std, the real value the model was exported for; an
 * 8-bit input then quantises that value with the input tensor's scale and zero point ([ModelIo]).
 */
data class ModelSpec(
    val modelFile: String,
    val inputWidth: Int,
    val inputHeight: Int,
    val inputType: TensorElementType,
    val normalizationMean: Float,
    val normalizationStd: Float,
    val classes: Int,
    val quantization: String,
    val labelsFile: String,
    /** The same model compiled ahead of time for one NPU (optional `npu_model_file`; see AcceleratorPolicy). */
    val npuModelFile: String? = null,
) {
    companion object {
        fun parse(reader: Reader): ModelSpec {
            val properties = Properties().apply { load(reader) }
            fun text(key: String): String =
                properties.getProperty(key)?.trim()?.takeIf { it.isNotEmpty() }
                    ?: throw IllegalArgumentException("model properties: '$key' is missing")
            fun positiveInt(key: String): Int =
                text(key).toIntOrNull()?.takeIf { it > 0 }
                    ?: throw IllegalArgumentException("model properties: '$key' must be a positive integer")
            fun number(key: String): Float =
                text(key).toFloatOrNull() ?: throw IllegalArgumentException("model properties: '$key' is not a number")
            val typeName = text("input_type")
            val inputType = try {
                TensorElementType.fromProperty(typeName)
            } catch (error: IllegalArgumentException) {
                throw IllegalArgumentException("model properties: ${error.message}", error)
            }
            val std = number("normalization_std")
            require(std > 0f) { "model properties: normalization_std must be positive" }
            return ModelSpec(
                modelFile = text("model_file"),
                inputWidth = positiveInt("input_width"),
                inputHeight = positiveInt("input_height"),
                inputType = inputType,
                normalizationMean = number("normalization_mean"),
                normalizationStd = std,
                classes = positiveInt("classes"),
                quantization = text("quantization"),
                labelsFile = text("labels_file"),
                npuModelFile = properties.getProperty("npu_model_file")?.trim()?.takeIf { it.isNotEmpty() },
            )
        }
    }
}
