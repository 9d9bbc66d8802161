package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class LabelsTest {
    @Test
    fun parsesOneLabelPerLineIgnoringTheFinalNewlineAndCarriageReturns() {
        assertEquals(listOf("tench", "goldfish", "great white shark"), Labels.parse("tench\r\ngoldfish\ngreat white shark\n"))
    }

    @Test
    fun refusesEmptyFilesAndBlankLinesInside() {
        assertFailsWith<IllegalArgumentException> { Labels.parse("\n") }
        val error = assertFailsWith<IllegalArgumentException> { Labels.parse("a\n\nb") }
        assertTrue("line 2" in error.message!!)
    }

    @Test
    fun checksTheCountAgainstTheModel() {
        Labels.requireCount(listOf("a", "b"), 2)
        val error = assertFailsWith<IllegalArgumentException> { Labels.requireCount(listOf("a"), 1000) }
        assertEquals("1 labels for a model with 1000 outputs", error.message)
    }
}
