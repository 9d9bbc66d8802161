package dev.kerasmv2.core

/** Median and 90th percentile of the last [window] inference times, for the on-screen readout. */
class LatencyTracker(private val window: Int = 30) {
    init {
        require(window >= 1) { "window must be at least 1, got $window" }
    }

    private val samples = ArrayDeque<Double>()

    fun add(milliseconds: Double) {
        require(milliseconds >= 0 && milliseconds.isFinite()) { "latency must be a finite non-negative time" }
        samples.addLast(milliseconds)
        if (samples.size > window) samples.removeFirst()
    }

    val count: Int get() = samples.size

    /** Nearest-rank percentile of the current window; null before the first sample. */
    fun percentile(p: Double): Double? {
        require(p in 0.0..100.0) { "percentile must be in [0, 100], got $p" }
        if (samples.isEmpty()) return null
        val sorted = samples.sorted()
        val rank = kotlin.math.ceil(p / 100.0 * sorted.size).toInt().coerceIn(1, sorted.size)
        return sorted[rank - 1]
    }

    val median: Double? get() = percentile(50.0)

    fun summary(): String = median?.let { "%.1f ms (p90 %.1f, n=%d)".format(it, percentile(90.0), count) } ?: "-"
}
