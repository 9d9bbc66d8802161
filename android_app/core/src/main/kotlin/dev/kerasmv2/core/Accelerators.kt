package dev.kerasmv2.core

/** Where inference runs: the accelerators of LiteRT's `CompiledModel` API. */
enum class Accelerator(val title: String) {
    CPU("CPU (XNNPACK)"),
    GPU("GPU"),
    NPU("NPU"),
}

/** The accelerator an engine is built with, and why it is not the one asked for (null when it is). */
data class AcceleratorDecision(val accelerator: Accelerator, val note: String?)

/**
 * Which accelerators the app offers and which one actually runs. The device decides: LiteRT's
 * `Environment.getAvailableAccelerators()` reports what its runtime registered (the GPU needs the
 * litert-gpu library and a driver, the NPU the vendor's dispatch library), and nothing else is offered.
 * The screen always names the accelerator that runs, never only the one that was asked for.
 */
object AcceleratorPolicy {
    /** CPU always (LiteRT always registers it), then GPU and NPU only when the device reports them. */
    fun offered(reported: Set<Accelerator>): List<Accelerator> =
        Accelerator.entries.filter { it == Accelerator.CPU || it in reported }

    /** A request the device cannot serve runs on CPU, with a note saying so. */
    fun choose(requested: Accelerator, reported: Set<Accelerator>): AcceleratorDecision =
        if (requested in offered(reported)) {
            AcceleratorDecision(requested, null)
        } else {
            AcceleratorDecision(Accelerator.CPU, "${requested.title} is not available on this device; running on CPU")
        }

    /** Where to go after [failed] could not compile the model: CPU, or null when CPU itself failed. */
    fun afterFailure(failed: Accelerator): Accelerator? = if (failed == Accelerator.CPU) null else Accelerator.CPU

    /**
     * The accelerators to hand LiteRT: exactly the chosen one. Listing CPU beside GPU would let LiteRT fall
     * back to the CPU silently while the screen says GPU; a failure must surface so that [afterFailure]
     * can say it. (For NPU alone LiteRT adds CPU itself, for the operations the NPU cannot run: [label].)
     */
    fun liteRtAccelerators(accelerator: Accelerator): Set<Accelerator> = setOf(accelerator)

    /** What the overlay calls the accelerator that runs. */
    fun label(accelerator: Accelerator): String = when (accelerator) {
        Accelerator.NPU -> "NPU (CPU for operations it lacks)"
        else -> accelerator.title
    }
}
