package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class ScoreSmootherTest {
    @Test
    fun firstFrameIsKeptThenAveraged() {
        val smoother = ScoreSmoother(alpha = 0.5f)
        assertContentEquals(floatArrayOf(1f, 0f), smoother.update(floatArrayOf(1f, 0f)))
        assertContentEquals(floatArrayOf(0.5f, 0.5f), smoother.update(floatArrayOf(0f, 1f)))
        assertContentEquals(floatArrayOf(0.25f, 0.75f), smoother.update(floatArrayOf(0f, 1f)))
    }

    @Test
    fun convergesToASteadyInputAndResets() {
        val smoother = ScoreSmoother(alpha = 0.4f)
        smoother.update(floatArrayOf(0f))
        var last = 0f
        repeat(60) { last = smoother.update(floatArrayOf(1f))[0] }
        assertEquals(1f, last, 1e-6f)
        smoother.reset()
        assertContentEquals(floatArrayOf(0.2f), smoother.update(floatArrayOf(0.2f)))
    }

    @Test
    fun alphaOneIsNoSmoothingAndAlphaMustBeValid() {
        val smoother = ScoreSmoother(alpha = 1f)
        smoother.update(floatArrayOf(0.9f))
        assertContentEquals(floatArrayOf(0.1f), smoother.update(floatArrayOf(0.1f)))
        assertFailsWith<IllegalArgumentException> { ScoreSmoother(alpha = 0f) }
    }
}
