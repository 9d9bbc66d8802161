package dev.kerasmv2.core

/** Test doubles for the engine lifecycle: an engine that refuses work once closed, and a recording factory. */
fun testSpec(
    type: TensorElementType = TensorElementType.FLOAT32,
    size: Int = 4,
    classes: Int = 3,
    mean: Float = 0f,
    std: Float = 1f,
) = ModelSpec("m.tflite", size, size, type, mean, std, classes, "none", "labels.txt")

fun testIo(
    type: TensorElementType = TensorElementType.FLOAT32,
    quantization: Quantization? = null,
    size: Int = 4,
    classes: Int = 3,
    mean: Float = 0f,
    std: Float = 1f,
) = ModelIo(
    testSpec(type, size, classes, mean, std),
    TensorInfo("input", type, listOf(1, size, size, 3), quantization),
    TensorInfo("output", type, listOf(1, classes), quantization),
)

class FakeEngine(
    val config: EngineConfig,
    private val log: MutableList<String>,
    override val io: ModelIo = testIo(),
    private val scores: FloatArray = floatArrayOf(0.1f, 0.7f, 0.2f),
) : InferenceEngine {
    override val labels = List(io.spec.classes) { "class$it" }
    override val accelerators = AcceleratorPolicy.liteRtAccelerators(config.accelerator)
    var closed = false
        private set
    var runs = 0
        private set
    val inputs = mutableListOf<TensorData>()

    override fun run(input: TensorData): TensorData {
        check(!closed) { "frame run on a closed engine ($config)" }
        runs++
        inputs += input
        return TensorData.Floats(scores.copyOf())
    }

    override fun close() {
        check(!closed) { "engine closed twice ($config)" }
        closed = true
        log += "close ${config.model}/${config.accelerator}"
    }
}

class FakeFactory(
    var reported: Set<Accelerator> = setOf(Accelerator.CPU, Accelerator.GPU),
    val failing: Set<Accelerator> = emptySet(),
    /** The dispatch libraries "packaged", and the models with an NPU-compiled file. */
    var dispatchLibraries: List<String> = emptyList(),
    var npuModels: Set<ModelChoice> = emptySet(),
    private val engine: (EngineConfig, MutableList<String>) -> FakeEngine = { config, log -> FakeEngine(config, log) },
) : EngineFactory {
    val log = mutableListOf<String>()
    val engines = mutableListOf<FakeEngine>()
    var closed = false
    var runtimeError: Exception? = null

    override fun accelerators(model: ModelChoice): DeviceAccelerators {
        runtimeError?.let { throw it }
        return DeviceAccelerators(reported, dispatchLibraries, "${model.name}_npu.tflite".takeIf { model in npuModels })
    }

    override fun create(config: EngineConfig): InferenceEngine {
        check(!closed) { "factory used after close" }
        check(engines.none { !it.closed }) { "a new engine is built while another is still open" }
        log += "create ${config.model}/${config.accelerator}/${config.threads}"
        if (config.accelerator in failing) throw IllegalStateException("no kernel for op 42")
        return engine(config, log).also { engines += it }
    }

    override fun close() {
        closed = true
        log += "factory closed"
    }
}
