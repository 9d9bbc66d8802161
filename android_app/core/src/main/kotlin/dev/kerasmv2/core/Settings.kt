package dev.kerasmv2.core

/** The two models `export_models.sh` puts into the app's assets; their `.properties` say the rest. */
enum class ModelChoice(val title: String, val propertiesAsset: String) {
    FLOAT32("MobileViTv2 fp32", "mobilevitv2_fp32.properties"),
    INT8("MobileViTv2 int8", "mobilevitv2_int8.properties"),
}

/**
 * What decides the compiled model: changing any of these rebuilds the engine. [threads] is null unless
 * the accelerator is the CPU, so moving the thread slider while on GPU rebuilds nothing.
 */
data class EngineConfig(val model: ModelChoice, val accelerator: Accelerator, val threads: Int?) {
    init {
        require((accelerator == Accelerator.CPU) == (threads != null)) { "threads are set for the CPU only" }
        require(threads == null || threads in 1..Settings.MAX_THREADS) { "threads must be in 1..${Settings.MAX_THREADS}" }
    }
}

/** What only changes how results are shown: applied to the next frame, no rebuild, no camera rebind. */
data class DisplaySettings(val maxResults: Int = 5, val scoreThreshold: Float = 0f) {
    init {
        require(maxResults >= 1) { "maxResults must be at least 1" }
        require(scoreThreshold in 0f..1f) { "scoreThreshold must be in [0, 1]" }
    }
}

/** Everything the settings sheet edits, split into what rebuilds the engine and what does not. */
data class Settings(
    val model: ModelChoice = ModelChoice.FLOAT32,
    val accelerator: Accelerator = Accelerator.CPU,
    val threads: Int = DEFAULT_THREADS,
    val display: DisplaySettings = DisplaySettings(),
) {
    init {
        require(threads in 1..MAX_THREADS) { "threads must be in 1..$MAX_THREADS" }
    }

    val engine: EngineConfig get() = EngineConfig(model, accelerator, threads.takeIf { accelerator == Accelerator.CPU })

    companion object {
        const val DEFAULT_THREADS = 4
        const val MAX_THREADS = 8
    }
}
