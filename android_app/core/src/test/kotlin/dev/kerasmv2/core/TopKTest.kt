package dev.kerasmv2.core

import kotlin.random.Random
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class TopKTest {
    private val labels = List(6) { "class$it" }

    @Test
    fun returnsTheBestFirst() {
        val scores = floatArrayOf(0.1f, 0.5f, 0.05f, 0.3f, 0.0f, 0.05f)
        assertEquals(listOf(1, 3, 0), TopK.select(scores, labels, 3).map { it.index })
        assertEquals("class1", TopK.select(scores, labels, 1).single().label)
    }

    @Test
    fun tiesKeepTheLowerIndexFirstAndThresholdDrops() {
        val scores = floatArrayOf(0.2f, 0.2f, 0.2f, 0.1f, 0.3f, Float.NaN)
        assertEquals(listOf(4, 0, 1), TopK.select(scores, labels, 3).map { it.index })
        assertEquals(listOf(4), TopK.select(scores, labels, 5, threshold = 0.25f).map { it.index })
    }

    @Test
    fun agreesWithAFullSortOnRandomScores() {
        val random = Random(3)
        val many = List(1000) { "c$it" }
        repeat(20) {
            val scores = FloatArray(1000) { random.nextFloat() }
            val expected = scores.indices.sortedByDescending { scores[it] }.take(5)
            assertEquals(expected, TopK.select(scores, many, 5).map { it.index })
        }
    }

    @Test
    fun refusesMismatchedLabelsAndBadK() {
        assertFailsWith<IllegalArgumentException> { TopK.select(FloatArray(3), labels, 1) }
        assertFailsWith<IllegalArgumentException> { TopK.select(FloatArray(6), labels, 0) }
    }
}
