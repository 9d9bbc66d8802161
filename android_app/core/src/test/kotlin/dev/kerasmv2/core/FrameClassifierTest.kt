package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue

class FrameClassifierTest {
    private val frame = Frame(IntArray(6 * 8) { 0xFF102030.toInt() }, width = 6, height = 8, rotationDegrees = 90)

    @Test
    fun runsAFrameAndAppliesTheDisplaySettingsOfThatFrame() {
        val factory = FakeFactory()
        val session = EngineSession(factory).apply { configure(Settings().engine) }
        var now = 0L
        val classifier = FrameClassifier(session) { now.also { now += 2_000_000 } }
        val first = classifier.classify(frame, DisplaySettings(maxResults = 2))!!
        assertEquals(listOf("class1", "class2"), first.top.map { it.label })
        assertEquals("CPU (XNNPACK)", first.accelerator)
        assertTrue(first.latency.startsWith("2.0 ms"), first.latency)
        val thresholded = classifier.classify(frame, DisplaySettings(maxResults = 5, scoreThreshold = 0.5f))!!
        assertEquals(listOf("class1"), thresholded.top.map { it.label })
        assertEquals(1, factory.engines.size, "display settings never rebuild the engine")
        val input = assertIs<TensorData.Floats>(factory.engines[0].inputs[0]).values
        assertEquals(4 * 4 * 3, input.size)
        assertEquals(listOf(16f, 32f, 48f), input.take(3).toList())
    }

    @Test
    fun feedsQuantisedModelsBytesAndStartsSmoothingOverOnANewEngine() {
        val uint8 = testIo(TensorElementType.UINT8, Quantization(1f, 0))
        val factory = FakeFactory { config, log ->
            if (config.model == ModelChoice.INT8) {
                FakeEngine(config, log, io = testIo(TensorElementType.UINT8, Quantization(1f, 0)).let {
                    ModelIo(it.spec, it.input, TensorInfo("out", TensorElementType.FLOAT32, listOf(1, 3), null))
                }, scores = floatArrayOf(0.9f, 0.05f, 0.05f))
            } else {
                FakeEngine(config, log)
            }
        }
        val session = EngineSession(factory).apply { configure(Settings().engine) }
        val classifier = FrameClassifier(session)
        classifier.classify(frame, DisplaySettings())
        session.configure(Settings(model = ModelChoice.INT8).engine)
        val result = classifier.classify(frame, DisplaySettings(maxResults = 1))!!
        // Without a reset the average with the fp32 engine's 0.1 would show; the new engine starts over.
        assertEquals(0.9f, result.top.single().score)
        val bytes = assertIs<TensorData.Bytes>(factory.engines[1].inputs.single()).values
        assertEquals(listOf(16, 32, 48), bytes.take(3).map { it.toInt() and 0xFF })
        assertEquals(uint8.input.type, factory.engines[1].io.input.type)
    }

    @Test
    fun nothingRunsWithoutAnEngine() {
        val session = EngineSession(FakeFactory(failing = setOf(Accelerator.CPU)))
        val classifier = FrameClassifier(session)
        assertNull(classifier.classify(frame, DisplaySettings()))
        session.configure(Settings().engine)
        assertNull(classifier.classify(frame, DisplaySettings()))
        session.close()
        assertNull(classifier.classify(frame, DisplaySettings()))
    }
}
