package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertSame
import kotlin.test.assertTrue

class LatestResultTest {
    private val frame = Frame(IntArray(6 * 8) { 0xFF102030.toInt() }, width = 6, height = 8, rotationDegrees = 0)

    @Test
    fun aResultFromAReplacedOrClosedEngineIsDropped() {
        val session = EngineSession(FakeFactory())
        val classifier = FrameClassifier(session)
        val shown = mutableListOf<Classification?>()
        val latest = LatestResult(session) { shown += it }
        val fp32 = Settings().engine
        latest.request(fp32)
        session.configure(fp32)
        val first = classifier.classify(frame, DisplaySettings())!!
        assertSame(session.engine, first.engine)
        assertEquals(ModelChoice.FLOAT32.title, first.model)
        assertTrue(latest.publish(first))

        // The UI asks for int8 while a frame is still running on the fp32 engine (the analysis thread has not
        // rebuilt yet): that frame's result must not come back under the new settings.
        val int8 = Settings(model = ModelChoice.INT8).engine
        latest.request(int8)
        val inFlight = classifier.classify(frame, DisplaySettings())!!
        assertFalse(latest.publish(inFlight))
        session.configure(int8)
        assertFalse(latest.publish(inFlight), "the fp32 engine has been replaced and closed")
        val second = classifier.classify(frame, DisplaySettings())!!
        assertEquals(ModelChoice.INT8.title, second.model)
        assertTrue(latest.publish(second))

        session.close()
        assertFalse(latest.publish(second), "a closed engine's result")
        assertEquals(listOf(null, first, null, second), shown)
    }

    @Test
    fun theLabelComesFromTheEngineThatRanNotFromTheRequest() {
        val session = EngineSession(FakeFactory(failing = setOf(Accelerator.GPU)))
        val config = Settings(accelerator = Accelerator.GPU).engine
        session.configure(config)
        val result = FrameClassifier(session).classify(frame, DisplaySettings())!!
        assertEquals("CPU (XNNPACK)", result.accelerator)
        assertEquals(config, result.requested)
        assertTrue("GPU could not run" in result.note!!, result.note)
        var shown: Classification? = null
        val latest = LatestResult(session) { shown = it }
        latest.request(config)
        assertTrue(latest.publish(result))
        assertSame(result, shown)
        latest.request(Settings().engine)
        assertNull(shown)
    }
}
