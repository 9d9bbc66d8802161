package dev.kerasmv2.core

/** The resources opened so far by [openAll]'s block. */
class Opened internal constructor() {
    private val resources = ArrayList<AutoCloseable>()

    fun <R : AutoCloseable> add(resource: R): R = resource.also { resources += it }

    fun <R : AutoCloseable> addAll(list: List<R>): List<R> = list.also { resources += it }

    internal fun closeAll(error: Throwable) {
        for (resource in resources.asReversed()) {
            try {
                resource.close()
            } catch (second: Throwable) {
                error.addSuppressed(second)
            }
        }
    }
}

/**
 * Runs [block], which opens native resources one after another (a compiled model, then its input and output
 * buffers) and builds their owner from them. If a step throws, everything opened before it is closed, newest
 * first, and the error propagates: nothing leaks half-built.
 */
fun <T> openAll(block: (Opened) -> T): T {
    val opened = Opened()
    try {
        return block(opened)
    } catch (error: Throwable) {
        opened.closeAll(error)
        throw error
    }
}
