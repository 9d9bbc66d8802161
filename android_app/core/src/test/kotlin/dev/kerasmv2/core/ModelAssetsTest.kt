package dev.kerasmv2.core

import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class ModelAssetsTest {
    @Test
    fun refusesFilesThatAreNotTfliteModels() {
        val error = assertFailsWith<IllegalArgumentException> { TfliteModelReader.read(ByteArray(16)) }
        assertTrue("not a .tflite file" in error.message!!, error.message)
        assertFailsWith<IllegalArgumentException> { TfliteModelReader.read(ByteArray(3)) }
    }

    @Test
    fun refusesLabelsOfAnotherModel() {
        val properties = """
            model_file=m.tflite
            input_width=4
            input_height=4
            input_type=float32
            normalization_mean=0
            normalization_std=1
            classes=3
            quantization=none
            labels_file=labels.txt
        """.trimIndent()
        val texts = mapOf("m.properties" to properties, "labels.txt" to "a\nb\n")
        val error = assertFailsWith<IllegalArgumentException> {
            ModelAssets.load("m.properties", { texts.getValue(it) }) { error("the model is read after the labels") }
        }
        assertEquals("2 labels for a model with 3 outputs", error.message)
    }

    /**
     * With `-Dmv2.assets=DIR` (the Python suite passes a real `mv2 export --app-assets` folder): reads each
     * model's tensors, prints them for the Python side to compare with LiteRT's own reading, and, with
     * `-Dmv2.out=DIR`, writes one preprocessed and encoded frame per model for Python to feed to LiteRT.
     */
    @Test
    fun readsTheRealExportsWhenGiven() {
        val folder = File(System.getProperty("mv2.assets") ?: return)
        val out = System.getProperty("mv2.out")?.let(::File)
        val properties = folder.listFiles { file -> file.name.endsWith(".properties") }!!.sortedBy { it.name }
        assertTrue(properties.isNotEmpty(), "no .properties in $folder")
        for (file in properties) {
            val assets = ModelAssets.load(file.name, { File(folder, it).readText() }) { ByteBuffer.wrap(File(folder, it).readBytes()) }
            val io = assets.io
            fun describe(tensor: TensorInfo) =
                "${tensor.type.propertyName} ${tensor.quantization?.scale ?: 0f} ${tensor.quantization?.zeroPoint ?: 0}"
            println("TENSORS ${file.nameWithoutExtension} input=${describe(io.input)} output=${describe(io.output)}")
            if (out == null) continue
            // A camera-like frame: 97 x 61 sensor pixels, rotated 90 degrees, a colour gradient with texture.
            val width = 97
            val height = 61
            val argb = IntArray(width * height) { i ->
                val x = i % width
                val y = i / width
                val r = (x * 255) / (width - 1)
                val g = (y * 255) / (height - 1)
                val b = (x * y * 7 + 13) % 256
                (0xFF shl 24) or (r shl 16) or (g shl 8) or b
            }
            val (upright, uprightWidth) = Preprocess.rotate(argb, width, height, 90)
            val rgb = Preprocess.cropResizeRgb(upright, uprightWidth, upright.size / uprightWidth, io.spec.inputWidth, io.spec.inputHeight)
            File(out, "${file.nameWithoutExtension}.rgb").writeBytes(floatBytes(rgb))
            val encoded = when (val input = io.encode(rgb)) {
                is TensorData.Floats -> floatBytes(input.values)
                is TensorData.Bytes -> input.values
            }
            File(out, "${file.nameWithoutExtension}.input").writeBytes(encoded)
        }
    }

    private fun floatBytes(values: FloatArray): ByteArray =
        ByteBuffer.allocate(4 * values.size).order(ByteOrder.LITTLE_ENDIAN).apply { asFloatBuffer().put(values) }.array()
}
