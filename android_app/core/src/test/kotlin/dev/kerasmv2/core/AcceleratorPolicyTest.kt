package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

class AcceleratorPolicyTest {
    private val all = Accelerator.entries.toSet()
    private val qualcomm = listOf("libLiteRtDispatch_Qualcomm.so")

    @Test
    fun offersTheCpuAlwaysAndTheGpuWhenLiteRtRegisteredIt() {
        assertEquals(listOf(Accelerator.CPU), AcceleratorPolicy.offered(DeviceAccelerators(emptySet())))
        assertEquals(
            listOf(Accelerator.CPU, Accelerator.GPU),
            AcceleratorPolicy.offered(DeviceAccelerators(setOf(Accelerator.CPU, Accelerator.GPU))),
        )
    }

    @Test
    fun anNpuLiteRtReportsIsNotOfferedUnlessItWouldRunTheModel() {
        // LiteRT registers an NPU on any supported chip once the dispatch option is set, library or not.
        val reportedOnly = DeviceAccelerators(all)
        assertEquals(listOf(Accelerator.CPU, Accelerator.GPU), AcceleratorPolicy.offered(reportedOnly))
        assertTrue("dispatch library" in AcceleratorPolicy.npuMissing(reportedOnly)!!)
        // A vendor library but a model compiled for the CPU only: the NPU would take nothing.
        val noModel = DeviceAccelerators(all, qualcomm)
        assertEquals(listOf(Accelerator.CPU, Accelerator.GPU), AcceleratorPolicy.offered(noModel))
        assertTrue("compiled ahead of time" in AcceleratorPolicy.npuMissing(noModel)!!)
        // Library and compiled model, but LiteRT did not register the NPU (unsupported chip).
        val notRegistered = DeviceAccelerators(setOf(Accelerator.CPU), qualcomm, "m_npu.tflite")
        assertEquals(listOf(Accelerator.CPU), AcceleratorPolicy.offered(notRegistered))
        val ready = DeviceAccelerators(all, qualcomm, "m_npu.tflite")
        assertNull(AcceleratorPolicy.npuMissing(ready))
        assertEquals(Accelerator.entries.toList(), AcceleratorPolicy.offered(ready))
    }

    @Test
    fun onlyTheVendorDispatchLibrariesCount() {
        val found = AcceleratorPolicy.dispatchLibraries(
            listOf("libLiteRt.so", "libLiteRtDispatch_MediaTek.so", "liblitert_jni.so", "libLiteRtDispatch_Qualcomm.so", "libLiteRtDispatch.txt"),
        )
        assertEquals(listOf("libLiteRtDispatch_MediaTek.so", "libLiteRtDispatch_Qualcomm.so"), found)
        assertEquals(emptyList(), AcceleratorPolicy.dispatchLibraries(emptyList()))
    }

    @Test
    fun anUnavailableRequestRunsOnTheCpuAndSaysWhy() {
        val gpu = AcceleratorPolicy.choose(Accelerator.GPU, DeviceAccelerators(setOf(Accelerator.CPU, Accelerator.GPU)))
        assertEquals(AcceleratorDecision(Accelerator.GPU, null), gpu)
        val npu = AcceleratorPolicy.choose(Accelerator.NPU, DeviceAccelerators(all))
        assertEquals(Accelerator.CPU, npu.accelerator)
        assertTrue("dispatch library" in npu.note!! && "running on CPU" in npu.note, npu.note)
        val noGpu = AcceleratorPolicy.choose(Accelerator.GPU, DeviceAccelerators(setOf(Accelerator.CPU)))
        assertTrue("GPU is not available" in noGpu.note!!, noGpu.note)
    }

    @Test
    fun failuresFallBackToTheCpuOnceAndTheLabelIsWhatTheModelWasCompiledWith() {
        assertEquals(Accelerator.CPU, AcceleratorPolicy.afterFailure(Accelerator.GPU))
        assertEquals(Accelerator.CPU, AcceleratorPolicy.afterFailure(Accelerator.NPU))
        assertNull(AcceleratorPolicy.afterFailure(Accelerator.CPU))
        // GPU alone, never GPU + CPU: LiteRT would otherwise run on the CPU while the screen says GPU.
        assertEquals(setOf(Accelerator.GPU), AcceleratorPolicy.liteRtAccelerators(Accelerator.GPU))
        // LiteRT adds the CPU to an NPU alone; the label says so.
        val npu = AcceleratorPolicy.liteRtAccelerators(Accelerator.NPU)
        assertEquals(setOf(Accelerator.NPU, Accelerator.CPU), npu)
        assertEquals("NPU (CPU for operations it lacks)", AcceleratorPolicy.label(npu))
        assertEquals("GPU", AcceleratorPolicy.label(setOf(Accelerator.GPU)))
        assertEquals("CPU (XNNPACK)", AcceleratorPolicy.label(setOf(Accelerator.CPU)))
    }
}
