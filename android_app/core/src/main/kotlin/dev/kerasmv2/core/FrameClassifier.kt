package dev.kerasmv2.core

/** A camera frame as packed ARGB pixels with CameraX's `rotationDegrees` (clockwise to upright). */
class Frame(val argb: IntArray, val width: Int, val height: Int, val rotationDegrees: Int) {
    init {
        require(argb.size == width * height) { "pixel count ${argb.size} is not $width x $height" }
    }
}

/**
 * What the overlay shows after a frame: the top results, the latency summary, and what produced them, taken
 * from the engine that ran the frame (never from the settings, which may already have moved on): its model,
 * the accelerators it was compiled with, the configuration it was built for ([requested]) and the engine itself.
 */
data class Classification(
    val top: List<Category>,
    val latency: String,
    val model: String,
    val accelerator: String,
    val note: String?,
    val requested: EngineConfig,
    val engine: InferenceEngine,
)

/**
 * One frame through the model: upright, crop and resize as the evaluation transform ([Preprocess]),
 * convert to the input tensor's type ([ModelIo]), run on the session's engine, convert the output back,
 * smooth across frames and pick the top results with the current [DisplaySettings]. Smoothing and
 * latency start over whenever the session's engine changes. Runs on the analysis thread.
 */
class FrameClassifier(private val session: EngineSession, private val nanoTime: () -> Long = System::nanoTime) {
    private var current: InferenceEngine? = null
    private var smoother = ScoreSmoother()
    private var latency = LatencyTracker()

    /** Null when no engine runs (not built yet, failed, or closed). */
    fun classify(frame: Frame, display: DisplaySettings): Classification? {
        val engine = session.engine ?: return null
        val running = session.status as? EngineStatus.Running ?: return null
        if (engine !== current) {
            current = engine
            smoother = ScoreSmoother()
            latency = LatencyTracker()
        }
        val spec = engine.io.spec
        val (upright, width) = Preprocess.rotate(frame.argb, frame.width, frame.height, frame.rotationDegrees)
        val rgb = Preprocess.cropResizeRgb(upright, width, upright.size / width, spec.inputWidth, spec.inputHeight)
        val input = engine.io.encode(rgb)
        val start = nanoTime()
        val output = session.run(input) ?: return null
        latency.add((nanoTime() - start) / 1e6)
        val scores = smoother.update(engine.io.decode(output))
        return Classification(
            top = TopK.select(scores, engine.labels, display.maxResults, display.scoreThreshold),
            latency = latency.summary(),
            model = running.actual.model.title,
            accelerator = AcceleratorPolicy.label(engine.accelerators),
            note = running.note,
            requested = running.requested,
            engine = engine,
        )
    }
}
