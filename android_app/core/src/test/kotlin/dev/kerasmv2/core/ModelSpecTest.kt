package dev.kerasmv2.core

import java.io.File
import java.io.StringReader
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class ModelSpecTest {
    private val valid = """
        model_file=mobilevitv2_int8.tflite
        input_width=256
        input_height=256
        input_type=uint8
        normalization_mean=0.0
        normalization_std=1.0
        classes=1000
        quantization=int8
        labels_file=labels.txt
    """.trimIndent()

    @Test
    fun parsesTheExportedProperties() {
        val spec = ModelSpec.parse(StringReader(valid))
        assertEquals(256, spec.inputWidth)
        assertEquals(TensorElementType.UINT8, spec.inputType)
        assertEquals(1000, spec.classes)
        assertEquals("labels.txt", spec.labelsFile)
        assertEquals(null, spec.npuModelFile)
        val npu = ModelSpec.parse(StringReader("$valid\nnpu_model_file=mobilevitv2_int8_sm8650.tflite"))
        assertEquals("mobilevitv2_int8_sm8650.tflite", npu.npuModelFile)
    }

    @Test
    fun namesTheBrokenKey() {
        val missing = assertFailsWith<IllegalArgumentException> {
            ModelSpec.parse(StringReader(valid.replace("classes=1000\n", "")))
        }
        assertTrue("'classes' is missing" in missing.message!!)
        val bad = assertFailsWith<IllegalArgumentException> {
            ModelSpec.parse(StringReader(valid.replace("input_width=256", "input_width=-3")))
        }
        assertTrue("'input_width'" in bad.message!!)
        assertFailsWith<IllegalArgumentException> { ModelSpec.parse(StringReader(valid.replace("uint8", "float64"))) }
    }

    /** When the Python test suite passes a real export (`-Dmv2.assets=DIR`), its files must parse and agree. */
    @Test
    fun readsARealExportWhenGiven() {
        val folder = System.getProperty("mv2.assets") ?: return
        val specs = File(folder).listFiles { file -> file.name.endsWith(".properties") }!!.sortedBy { it.name }
        assertTrue(specs.isNotEmpty(), "no .properties in $folder")
        for (file in specs) {
            val spec = file.reader().use(ModelSpec::parse)
            assertTrue(File(folder, spec.modelFile).isFile, "${spec.modelFile} is missing")
            val labels = Labels.parse(File(folder, spec.labelsFile).readText())
            Labels.requireCount(labels, spec.classes)
            println("ModelSpec ${file.name}: $spec")
        }
    }
}
