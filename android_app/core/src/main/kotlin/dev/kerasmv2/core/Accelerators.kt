package dev.kerasmv2.core

/** Where inference runs: the accelerators of LiteRT's `CompiledModel` API. */
enum class Accelerator(val title: String) {
    CPU("CPU (XNNPACK)"),
    GPU("GPU"),
    NPU("NPU"),
}

/**
 * What the app can know about the accelerators for one model before compiling it.
 *
 * @param reported what LiteRT's `Environment.getAvailableAccelerators()` registered
 * @param dispatchLibraries the vendor's LiteRT dispatch libraries found among the APK's extracted native
 *   libraries ([AcceleratorPolicy.dispatchLibraries])
 * @param npuModel the model's asset compiled ahead of time for this NPU (`npu_model_file`), or null
 */
data class DeviceAccelerators(
    val reported: Set<Accelerator>,
    val dispatchLibraries: List<String> = emptyList(),
    val npuModel: String? = null,
)

/** The accelerator an engine is built with, and why it is not the one asked for (null when it is). */
data class AcceleratorDecision(val accelerator: Accelerator, val note: String?)

/**
 * Which accelerators the app offers and which one actually runs. The GPU is offered when LiteRT registered
 * it (the litert-gpu library and an OpenCL driver). The NPU only when it would really run the model: LiteRT
 * registers an NPU as soon as its dispatch option is set and, with no vendor library, compiles everything
 * for the CPU without an error, and its Kotlin API cannot say afterwards which accelerator took the graph.
 * So the NPU needs the vendor's dispatch library packaged (and extracted) in the APK and a model compiled
 * ahead of time for that NPU; otherwise the app offers CPU and GPU.
 */
object AcceleratorPolicy {
    /** LiteRT loads every `libLiteRtDispatch*` it finds in its dispatch folder (`FindLiteRtDispatchSharedLibs`). */
    fun dispatchLibraries(nativeLibraries: Collection<String>): List<String> =
        nativeLibraries.filter { it.startsWith("libLiteRtDispatch") && it.endsWith(".so") }.sorted()

    /** Why the NPU would not run the model, or null when it would. */
    fun npuMissing(device: DeviceAccelerators): String? = when {
        device.dispatchLibraries.isEmpty() -> "NPU needs the chip vendor's LiteRT dispatch library, which this app does not ship"
        device.npuModel == null -> "NPU needs a model compiled ahead of time for this NPU"
        Accelerator.NPU !in device.reported -> "LiteRT registered no NPU on this device"
        else -> null
    }

    /** CPU always (LiteRT always registers it), GPU when registered, NPU when it would really run. */
    fun offered(device: DeviceAccelerators): List<Accelerator> = Accelerator.entries.filter {
        when (it) {
            Accelerator.CPU -> true
            Accelerator.GPU -> Accelerator.GPU in device.reported
            Accelerator.NPU -> npuMissing(device) == null
        }
    }

    /** A request the device cannot serve runs on CPU, with a note saying why. */
    fun choose(requested: Accelerator, device: DeviceAccelerators): AcceleratorDecision = when {
        requested in offered(device) -> AcceleratorDecision(requested, null)
        requested == Accelerator.NPU -> AcceleratorDecision(Accelerator.CPU, "${npuMissing(device)}; running on CPU")
        else -> AcceleratorDecision(Accelerator.CPU, "${requested.title} is not available on this device; running on CPU")
    }

    /** Where to go after [failed] could not compile the model: CPU, or null when CPU itself failed. */
    fun afterFailure(failed: Accelerator): Accelerator? = if (failed == Accelerator.CPU) null else Accelerator.CPU

    /**
     * The accelerators the compiled model gets for [accelerator]: exactly that one, except that LiteRT adds the
     * CPU to an NPU alone for the operations the NPU cannot run (`CompiledModel.createFromAsset`). Listing CPU
     * beside GPU would let LiteRT fall back to the CPU silently while the screen says GPU; a failure must
     * surface so that [afterFailure] can say it.
     */
    fun liteRtAccelerators(accelerator: Accelerator): Set<Accelerator> =
        if (accelerator == Accelerator.NPU) setOf(Accelerator.NPU, Accelerator.CPU) else setOf(accelerator)

    /** What the overlay calls the accelerators an engine was compiled with. */
    fun label(accelerators: Set<Accelerator>): String = when {
        Accelerator.NPU in accelerators && Accelerator.CPU in accelerators -> "NPU (CPU for operations it lacks)"
        else -> accelerators.sorted().joinToString(" + ") { it.title }
    }
}
