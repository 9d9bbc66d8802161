package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull

class LatencyTrackerTest {
    @Test
    fun medianAndPercentilesOverTheWindow() {
        val tracker = LatencyTracker(window = 5)
        assertNull(tracker.median)
        listOf(10.0, 30.0, 20.0, 50.0, 40.0).forEach(tracker::add)
        assertEquals(30.0, tracker.median)
        assertEquals(50.0, tracker.percentile(90.0))
        tracker.add(1000.0) // pushes 10.0 out
        assertEquals(5, tracker.count)
        assertEquals(40.0, tracker.median)
    }

    @Test
    fun refusesNonsense() {
        assertFailsWith<IllegalArgumentException> { LatencyTracker(window = 0) }
        assertFailsWith<IllegalArgumentException> { LatencyTracker().add(-1.0) }
        assertFailsWith<IllegalArgumentException> { LatencyTracker().add(Double.NaN) }
    }
}
