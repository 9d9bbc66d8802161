package dev.kerasmv2.camera

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import dev.kerasmv2.core.Accelerator
import dev.kerasmv2.core.Classification
import dev.kerasmv2.core.DisplaySettings
import dev.kerasmv2.core.EngineConfig
import dev.kerasmv2.core.EngineSession
import dev.kerasmv2.core.EngineStatus
import dev.kerasmv2.core.Frame
import dev.kerasmv2.core.FrameClassifier
import dev.kerasmv2.core.LatestResult
import dev.kerasmv2.core.Settings
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/**
 * Holds the engine across rotations (activity recreation). The analysis executor's one thread does all
 * the work with the engine, in order: CameraX frames, builds (a GPU/NPU compilation can take seconds, so
 * never on the main thread) and closes, as the core's [EngineSession] requires.
 */
class ClassifierViewModel(application: Application) : AndroidViewModel(application) {
    val analysisExecutor: ExecutorService = Executors.newSingleThreadExecutor { Thread(it, "mv2-analysis") }
    private val session = EngineSession(LiteRtEngineFactory(application))
    private val classifier = FrameClassifier(session)

    private val _settings = MutableStateFlow(Settings())
    val settings: StateFlow<Settings> = _settings.asStateFlow()

    private val _result = MutableStateFlow<Classification?>(null)
    val result: StateFlow<Classification?> = _result.asStateFlow()

    /** Shows only results of the engine built for the latest settings (a frame may still run on the old one). */
    private val latest = LatestResult(session) { _result.value = it }

    private val _status = MutableStateFlow<EngineStatus>(EngineStatus.Idle)
    val status: StateFlow<EngineStatus> = _status.asStateFlow()

    private val _offered = MutableStateFlow(listOf(Accelerator.CPU))
    val offered: StateFlow<List<Accelerator>> = _offered.asStateFlow()

    private val _error = MutableStateFlow<String?>(null)
    val error: StateFlow<String?> = _error.asStateFlow()

    /** Read by each frame on the analysis thread: results shown and threshold apply without a rebuild. */
    @Volatile
    private var display: DisplaySettings = _settings.value.display

    init {
        latest.request(_settings.value.engine)
        configure(_settings.value.engine)
    }

    fun update(next: Settings) {
        val previous = _settings.value
        _settings.value = next
        display = next.display
        if (next.engine != previous.engine) {
            latest.request(next.engine)
            configure(next.engine)
        }
    }

    /** Called by [FrameAnalyzer] on the analysis thread. */
    fun onFrame(frame: Frame) {
        classifier.classify(frame, display)?.let {
            if (latest.publish(it)) _error.value = null
        }
    }

    fun onAnalysisError(error: Exception) {
        _error.value = error.message ?: error.toString()
    }

    private fun configure(config: EngineConfig) {
        analysisExecutor.execute {
            try {
                _status.value = session.configure(config)
                _offered.value = session.offered
            } catch (error: Exception) {
                onAnalysisError(error)
            }
        }
    }

    override fun onCleared() {
        // Queued behind any frame still running: the engine is closed on its own thread, after its last frame.
        analysisExecutor.execute { session.close() }
        analysisExecutor.shutdown()
    }
}
