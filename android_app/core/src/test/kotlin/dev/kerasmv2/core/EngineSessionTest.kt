package dev.kerasmv2.core

import kotlin.random.Random
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertSame
import kotlin.test.assertTrue

class EngineSessionTest {
    private val frame = TensorData.Floats(FloatArray(48))

    @Test
    fun settingsThatDoNotChangeTheModelDoNotRebuildIt() {
        val factory = FakeFactory()
        val session = EngineSession(factory)
        var settings = Settings()
        session.configure(settings.engine)
        val first = session.engine
        // Results shown, score threshold: display only.
        settings = settings.copy(display = DisplaySettings(maxResults = 9, scoreThreshold = 0.3f))
        session.configure(settings.engine)
        // Threads while on the GPU: the GPU does not use them.
        settings = settings.copy(accelerator = Accelerator.GPU)
        session.configure(settings.engine)
        val gpu = session.engine
        session.configure(settings.copy(threads = 2).engine)
        assertSame(gpu, session.engine)
        assertEquals(2, factory.engines.size, factory.log.toString())
        assertTrue(first !== gpu)
        // Threads on the CPU do change the compiled model.
        session.configure(settings.copy(accelerator = Accelerator.CPU, threads = 2).engine)
        assertEquals(3, factory.engines.size)
        assertEquals(2, (session.status as EngineStatus.Running).actual.threads)
    }

    @Test
    fun theOldEngineIsClosedBeforeTheNextIsBuilt() {
        val factory = FakeFactory()
        val session = EngineSession(factory)
        session.configure(Settings().engine)
        session.configure(Settings(model = ModelChoice.INT8).engine)
        assertEquals(
            listOf("create FLOAT32/CPU/4", "close FLOAT32/CPU", "create INT8/CPU/4"),
            factory.log,
        )
    }

    @Test
    fun noFrameRunsOnAClosedEngine() {
        // Random interleavings of settings changes and frames; FakeEngine throws if it runs after close.
        val random = Random(7)
        val factory = FakeFactory(
            reported = Accelerator.entries.toSet(),
            failing = setOf(Accelerator.NPU),
            dispatchLibraries = listOf("libLiteRtDispatch_Qualcomm.so"),
            npuModels = ModelChoice.entries.toSet(),
        )
        val session = EngineSession(factory)
        repeat(500) {
            if (random.nextInt(4) == 0) {
                val settings = Settings(
                    model = ModelChoice.entries.random(random),
                    accelerator = Accelerator.entries.random(random),
                    threads = random.nextInt(1, 5),
                )
                session.configure(settings.engine)
            } else {
                session.run(frame)
            }
        }
        assertTrue(factory.engines.sumOf { it.runs } > 0)
        assertEquals(1, factory.engines.count { !it.closed }, "exactly the current engine is open")
        session.close()
        assertTrue(factory.engines.all { it.closed } && factory.closed)
        assertNull(session.run(frame))
        assertNull(session.engine)
        assertIs<EngineStatus.Closed>(session.status)
        assertFailsWith<IllegalStateException> { session.configure(Settings().engine) }
        session.close() // closing twice is harmless
    }

    @Test
    fun everyCallBelongsToOneThread() {
        val session = EngineSession(FakeFactory())
        session.configure(Settings().engine)
        var error: Throwable? = null
        val other = Thread { error = runCatching { session.run(frame) }.exceptionOrNull() }.apply { name = "main-ui" }
        other.start()
        other.join()
        assertIs<IllegalStateException>(error)
        assertTrue("main-ui" in error!!.message!!, error!!.message)
        val closer = Thread { error = runCatching { session.close() }.exceptionOrNull() }
        closer.start()
        closer.join()
        assertIs<IllegalStateException>(error)
        assertNotNull(session.engine, "a refused close from another thread leaves the engine alone")
    }

    @Test
    fun unavailableOrFailingAcceleratorsFallBackToTheCpuAndSaySo() {
        val factory = FakeFactory(reported = setOf(Accelerator.CPU, Accelerator.GPU), failing = setOf(Accelerator.GPU))
        val session = EngineSession(factory)
        val npu = assertIs<EngineStatus.Running>(session.configure(Settings(accelerator = Accelerator.NPU).engine))
        assertEquals(Accelerator.CPU, npu.actual.accelerator)
        assertEquals(Settings.DEFAULT_THREADS, npu.actual.threads)
        assertTrue("dispatch library" in npu.note!!, npu.note)
        assertEquals(listOf(Accelerator.CPU, Accelerator.GPU), session.offered)
        val gpu = assertIs<EngineStatus.Running>(session.configure(Settings(accelerator = Accelerator.GPU).engine))
        assertEquals(Accelerator.CPU, gpu.actual.accelerator)
        assertTrue("GPU could not run" in gpu.note!! && "no kernel for op 42" in gpu.note, gpu.note)
        assertNotNull(session.run(frame))
    }

    @Test
    fun whenNothingCanRunTheSessionSaysWhyAndRunsNothing() {
        val factory = FakeFactory(failing = setOf(Accelerator.CPU, Accelerator.GPU))
        val session = EngineSession(factory)
        val failed = assertIs<EngineStatus.Failed>(session.configure(Settings(accelerator = Accelerator.GPU).engine))
        assertTrue("GPU could not run" in failed.message && "CPU (XNNPACK) could not run" in failed.message, failed.message)
        assertNull(session.engine)
        assertNull(session.run(frame))
        // The same request again is not retried in a loop; another one is.
        session.configure(Settings(accelerator = Accelerator.GPU).engine)
        assertEquals(2, factory.log.size)
    }

    @Test
    fun aRuntimeThatCannotListItsAcceleratorsOffersTheCpuOnly() {
        val factory = FakeFactory().apply { runtimeError = IllegalStateException("libLiteRt.so not found") }
        val session = EngineSession(factory)
        val status = assertIs<EngineStatus.Running>(session.configure(Settings(accelerator = Accelerator.GPU).engine))
        assertEquals(Accelerator.CPU, status.actual.accelerator)
        assertEquals(listOf(Accelerator.CPU), session.offered)
    }
}
