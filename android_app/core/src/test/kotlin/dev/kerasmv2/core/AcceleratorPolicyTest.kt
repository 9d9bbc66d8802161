package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

class AcceleratorPolicyTest {
    @Test
    fun offersOnlyWhatTheDeviceReportsAndAlwaysTheCpu() {
        assertEquals(listOf(Accelerator.CPU), AcceleratorPolicy.offered(emptySet()))
        assertEquals(listOf(Accelerator.CPU, Accelerator.NPU), AcceleratorPolicy.offered(setOf(Accelerator.NPU)))
        assertEquals(Accelerator.entries.toList(), AcceleratorPolicy.offered(Accelerator.entries.toSet()))
    }

    @Test
    fun anUnavailableRequestRunsOnTheCpuAndSaysSo() {
        val gpu = AcceleratorPolicy.choose(Accelerator.GPU, setOf(Accelerator.CPU, Accelerator.GPU))
        assertEquals(AcceleratorDecision(Accelerator.GPU, null), gpu)
        val npu = AcceleratorPolicy.choose(Accelerator.NPU, setOf(Accelerator.CPU, Accelerator.GPU))
        assertEquals(Accelerator.CPU, npu.accelerator)
        assertTrue("NPU is not available" in npu.note!!, npu.note)
    }

    @Test
    fun failuresFallBackToTheCpuOnceAndLiteRtGetsOneAccelerator() {
        assertEquals(Accelerator.CPU, AcceleratorPolicy.afterFailure(Accelerator.GPU))
        assertEquals(Accelerator.CPU, AcceleratorPolicy.afterFailure(Accelerator.NPU))
        assertNull(AcceleratorPolicy.afterFailure(Accelerator.CPU))
        // GPU alone, never GPU + CPU: LiteRT would otherwise run on the CPU while the screen says GPU.
        assertEquals(setOf(Accelerator.GPU), AcceleratorPolicy.liteRtAccelerators(Accelerator.GPU))
        assertTrue("CPU" in AcceleratorPolicy.label(Accelerator.NPU))
    }
}
