package dev.kerasmv2.core

/**
 * A model compiled for one accelerator, ready to run frames. The Android app implements it with LiteRT's
 * `CompiledModel`; the unit tests with a fake. Only [EngineSession] calls it, on one thread.
 */
interface InferenceEngine : AutoCloseable {
    /** The model's input/output conversion, checked against the model file itself. */
    val io: ModelIo

    /** One label per output, in output order. */
    val labels: List<String>

    /** The accelerators the model was compiled with ([AcceleratorPolicy.liteRtAccelerators]): what runs it. */
    val accelerators: Set<Accelerator>

    /** Runs one frame given in the input tensor's type; returns the output tensor's data. */
    fun run(input: TensorData): TensorData

    override fun close()
}

/** Builds engines; what it holds (LiteRT's `Environment`) lives until [close]. */
interface EngineFactory : AutoCloseable {
    /** What the device's runtime and the APK provide for [model] ([AcceleratorPolicy] decides from it). */
    fun accelerators(model: ModelChoice): DeviceAccelerators

    /** @throws Exception with a readable message when the model cannot be built for [config]. */
    fun create(config: EngineConfig): InferenceEngine

    override fun close() {}
}
