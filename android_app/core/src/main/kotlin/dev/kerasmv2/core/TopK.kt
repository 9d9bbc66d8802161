package dev.kerasmv2.core

/** One result line: the class index, its name and its score. */
data class Category(val index: Int, val label: String, val score: Float)

object TopK {
    /**
     * The [k] best scores at or above [threshold], best first; ties keep the lower index first.
     * Runs in O(n log k), so a 1000-class output costs next to nothing per frame.
     */
    fun select(scores: FloatArray, labels: List<String>, k: Int, threshold: Float = 0f): List<Category> {
        require(k >= 1) { "k must be at least 1, got $k" }
        require(labels.size == scores.size) { "${labels.size} labels for ${scores.size} scores" }
        val heap = java.util.PriorityQueue<Int>(k + 1, compareBy<Int>({ scores[it] }, { -it }))
        for (index in scores.indices) {
            val score = scores[index]
            if (score.isNaN() || score < threshold) continue
            heap.add(index)
            if (heap.size > k) heap.poll()
        }
        return heap.sortedWith(compareBy<Int>({ -scores[it] }, { it })).map { Category(it, labels[it], scores[it]) }
    }
}
