package dev.kerasmv2.core

/** Where an [EngineSession] stands; the overlay shows it. */
sealed interface EngineStatus {
    /** Nothing built yet. */
    data object Idle : EngineStatus

    /** [actual] runs; it differs from [requested] when the policy fell back, and [note] says why. */
    data class Running(val requested: EngineConfig, val actual: EngineConfig, val note: String?) : EngineStatus

    /** Nothing runs: not even the CPU could build [requested]'s model. */
    data class Failed(val requested: EngineConfig, val message: String) : EngineStatus

    /** The session has been closed; it runs nothing any more. */
    data object Closed : EngineStatus
}

/**
 * Owns the one engine the camera frames run on, and enforces the rules that keep native code safe:
 *
 * - every call (build, run, close) happens on one thread, the camera's analysis thread, so a frame can
 *   never run on an engine that is being closed, and a slow GPU/NPU compilation never blocks the UI;
 * - the old engine is closed before the next one is built (two MobileViTv2 models never sit in memory);
 * - configuring what is already running rebuilds nothing;
 * - after [close], no frame runs and nothing is built.
 *
 * The first call binds the session to its thread; a call from any other thread throws.
 */
class EngineSession(private val factory: EngineFactory) {
    private var owner: Thread? = null
    private var requested: EngineConfig? = null

    /** The engine frames run on, or null (not built, failed, or closed). */
    var engine: InferenceEngine? = null
        private set

    var status: EngineStatus = EngineStatus.Idle
        private set

    /** The accelerators offered for the model of the last [configure]; CPU only before that. */
    var offered: List<Accelerator> = listOf(Accelerator.CPU)
        private set

    fun configure(config: EngineConfig): EngineStatus {
        confined()
        check(status != EngineStatus.Closed) { "the engine session is closed" }
        if (config == requested) return status
        requested = config
        release()
        // If the runtime cannot even say what it has, offer the CPU: building will then say what is wrong.
        val device = try {
            factory.accelerators(config.model)
        } catch (error: Exception) {
            DeviceAccelerators(emptySet())
        }
        offered = AcceleratorPolicy.offered(device)
        val decision = AcceleratorPolicy.choose(config.accelerator, device)
        val target = config.on(decision.accelerator)
        status = try {
            build(config, target, decision.note)
        } catch (error: Exception) {
            val fallback = AcceleratorPolicy.afterFailure(target.accelerator)
            if (fallback == null) {
                EngineStatus.Failed(config, describe(target, error))
            } else {
                try {
                    build(config, config.on(fallback), "${describe(target, error)}; running on ${fallback.title}")
                } catch (second: Exception) {
                    EngineStatus.Failed(config, "${describe(target, error)}; ${describe(config.on(fallback), second)}")
                }
            }
        }
        return status
    }

    /** Runs [input] on the current engine; null when there is none. */
    fun run(input: TensorData): TensorData? {
        confined()
        return engine?.run(input)
    }

    /** Closes the engine and the factory; afterwards [run] returns null and [configure] throws. */
    fun close() {
        confined()
        if (status == EngineStatus.Closed) return
        release()
        factory.close()
        status = EngineStatus.Closed
    }

    private fun build(requested: EngineConfig, target: EngineConfig, note: String?): EngineStatus {
        engine = factory.create(target)
        return EngineStatus.Running(requested, target, note)
    }

    private fun release() {
        val current = engine
        engine = null
        current?.close()
    }

    private fun confined() {
        val current = Thread.currentThread()
        val bound = owner ?: current.also { owner = it }
        check(bound === current) {
            "EngineSession is used from thread '${current.name}' but belongs to '${bound.name}' (the analysis thread)"
        }
    }

    private fun EngineConfig.on(accelerator: Accelerator): EngineConfig =
        copy(accelerator = accelerator, threads = if (accelerator == Accelerator.CPU) threads ?: Settings.DEFAULT_THREADS else null)

    private fun describe(config: EngineConfig, error: Exception): String =
        "${config.accelerator.title} could not run ${config.model.title}: ${error.message ?: error.javaClass.simpleName}"
}
