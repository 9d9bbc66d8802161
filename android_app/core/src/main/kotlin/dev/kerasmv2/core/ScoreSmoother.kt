package dev.kerasmv2.core

/**
 * Exponential moving average of the score vector across frames, so the overlay does not flicker
 * between near-equal classes: s <- (1 - alpha) * s + alpha * new. `alpha = 1` turns smoothing off.
 */
class ScoreSmoother(private val alpha: Float = 0.4f) {
    init {
        require(alpha > 0f && alpha <= 1f) { "alpha must be in (0, 1], got $alpha" }
    }

    private var state: FloatArray? = null

    fun update(scores: FloatArray): FloatArray {
        val previous = state
        val next = if (previous == null || previous.size != scores.size) {
            scores.copyOf()
        } else {
            FloatArray(scores.size) { (1 - alpha) * previous[it] + alpha * scores[it] }
        }
        state = next
        return next.copyOf()
    }

    fun reset() {
        state = null
    }
}
