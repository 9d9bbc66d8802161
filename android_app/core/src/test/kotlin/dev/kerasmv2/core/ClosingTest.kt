package dev.kerasmv2.core

import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith

class ClosingTest {
    private class Native(val name: String, private val log: MutableList<String>) : AutoCloseable {
        override fun close() {
            log += "close $name"
        }
    }

    /** A compiled model whose output buffers fail, as LiteRT's `createOutputBuffers` can. */
    private class FakeModel(private val log: MutableList<String>) : AutoCloseable {
        fun inputs() = listOf(Native("input0", log), Native("input1", log))

        fun outputs(): List<Native> = throw IllegalStateException("no memory for the output buffer")

        override fun close() {
            log += "close model"
        }
    }

    @Test
    fun aFailedOutputBufferClosesTheInputBuffersAndTheModel() {
        val log = mutableListOf<String>()
        val error = assertFailsWith<IllegalStateException> {
            openAll { opened ->
                val model = opened.add(FakeModel(log))
                val inputs = opened.addAll(model.inputs())
                Triple(model, inputs, opened.addAll(model.outputs()))
            }
        }
        assertEquals("no memory for the output buffer", error.message)
        assertEquals(listOf("close input1", "close input0", "close model"), log)
    }

    @Test
    fun nothingIsClosedWhenEverythingOpens() {
        val log = mutableListOf<String>()
        val built = openAll { opened -> opened.addAll(listOf(Native("a", log), Native("b", log))) }
        assertEquals(2, built.size)
        assertEquals(emptyList(), log)
    }

    @Test
    fun aFailingCloseDoesNotHideTheFirstError() {
        val broken = AutoCloseable { throw IllegalArgumentException("close failed") }
        val error = assertFailsWith<IllegalStateException> {
            openAll { opened ->
                opened.add(broken)
                error("build failed")
            }
        }
        assertEquals("close failed", error.suppressed.single().message)
    }
}
