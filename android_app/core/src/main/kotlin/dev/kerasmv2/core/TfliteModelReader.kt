package dev.kerasmv2.core

import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * Reads the input and output tensors of a `.tflite` file's first subgraph (type, shape, quantisation)
 * straight from its FlatBuffer, without LiteRT.
 *
 * LiteRT's Kotlin `CompiledModel` API does not expose quantisation parameters, and an 8-bit model cannot
 * be fed or read without them; reading them here also lets the app check that the `.properties` beside
 * the model describe the same model. Field numbers follow TFLite's `schema.fbs` (Model.subgraphs = 2,
 * SubGraph.tensors/inputs/outputs = 0/1/2, Tensor.shape/type/name/quantization = 0/1/3/4,
 * QuantizationParameters.scale/zero_point = 2/3; TensorType FLOAT32 = 0, UINT8 = 3, INT8 = 9).
 */
class TfliteModelReader private constructor(private val bytes: ByteBuffer) {
    /** The first subgraph's inputs and outputs, in order. */
    data class Signature(val inputs: List<TensorInfo>, val outputs: List<TensorInfo>)

    companion object {
        private const val IDENTIFIER = "TFL3"

        fun read(model: ByteBuffer): Signature = TfliteModelReader(model.duplicate().order(ByteOrder.LITTLE_ENDIAN)).signature()

        fun read(model: ByteArray): Signature = read(ByteBuffer.wrap(model))
    }

    private fun signature(): Signature {
        require(bytes.limit() >= 8) { "not a .tflite file: ${bytes.limit()} bytes" }
        val identifier = String(ByteArray(4) { bytes.get(4 + it) }, Charsets.US_ASCII)
        require(identifier == IDENTIFIER) { "not a .tflite file: identifier '$identifier', expected '$IDENTIFIER'" }
        val model = indirect(0)
        val subgraphs = vectorOfTables(model, 2)
        require(subgraphs.isNotEmpty()) { "the model has no subgraph" }
        val subgraph = subgraphs[0]
        val tensors = vectorOfTables(subgraph, 0)
        fun tensorsAt(field: Int): List<TensorInfo> = intVector(subgraph, field).map { index ->
            require(index in tensors.indices) { "tensor index $index out of range (${tensors.size} tensors)" }
            tensor(tensors[index])
        }
        return Signature(tensorsAt(1), tensorsAt(2))
    }

    private fun tensor(table: Int): TensorInfo {
        val name = string(table, 3) ?: ""
        val typeCode = scalarByte(table, 1, default = 0)
        val type = when (typeCode) {
            0 -> TensorElementType.FLOAT32
            3 -> TensorElementType.UINT8
            9 -> TensorElementType.INT8
            else -> throw IllegalArgumentException("tensor '$name' has TFLite type $typeCode; the app handles float32, uint8 and int8")
        }
        val quantization = field(table, 4)?.let { quantization(indirect(it), name) }
        return TensorInfo(name, type, intVector(table, 0), if (type.quantized) quantization else null)
    }

    private fun quantization(table: Int, name: String): Quantization? {
        val scales = vector(table, 2)?.let { (start, count) -> List(count) { bytes.getFloat(start + 4 * it) } } ?: emptyList()
        val zeroPoints = vector(table, 3)?.let { (start, count) -> List(count) { bytes.getLong(start + 8 * it) } } ?: emptyList()
        if (scales.isEmpty()) return null
        require(scales.size == 1) { "tensor '$name' is quantised per channel (${scales.size} scales); the app needs one scale" }
        return Quantization(scales[0], zeroPoints.firstOrNull()?.toInt() ?: 0)
    }

    /** Position of the table an offset at [position] points to. */
    private fun indirect(position: Int): Int = position + bytes.getInt(position)

    /** Absolute position of field [index] of the table at [table], or null when the field is absent. */
    private fun field(table: Int, index: Int): Int? {
        val vtable = table - bytes.getInt(table)
        val vtableSize = bytes.getShort(vtable).toInt() and 0xFFFF
        val entry = 4 + 2 * index
        if (entry + 2 > vtableSize) return null
        val offset = bytes.getShort(vtable + entry).toInt() and 0xFFFF
        return if (offset == 0) null else table + offset
    }

    private fun scalarByte(table: Int, index: Int, default: Int): Int = field(table, index)?.let { bytes.get(it).toInt() } ?: default

    /** (first element position, element count) of the vector in field [index], or null when absent. */
    private fun vector(table: Int, index: Int): Pair<Int, Int>? {
        val reference = field(table, index) ?: return null
        val vector = indirect(reference)
        return vector + 4 to bytes.getInt(vector)
    }

    private fun intVector(table: Int, index: Int): List<Int> =
        vector(table, index)?.let { (start, count) -> List(count) { bytes.getInt(start + 4 * it) } } ?: emptyList()

    private fun vectorOfTables(table: Int, index: Int): List<Int> =
        vector(table, index)?.let { (start, count) -> List(count) { indirect(start + 4 * it) } } ?: emptyList()

    private fun string(table: Int, index: Int): String? =
        vector(table, index)?.let { (start, count) -> String(ByteArray(count) { bytes.get(start + it) }, Charsets.UTF_8) }
}
