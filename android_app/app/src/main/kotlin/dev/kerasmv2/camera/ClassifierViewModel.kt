package dev.kerasmv2.camera

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import dev.kerasmv2.core.Labels
import dev.kerasmv2.core.ModelSpec
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/** Holds the engine across rotations (activity recreation) and rebuilds it when the settings change. */
class ClassifierViewModel(application: Application) : AndroidViewModel(application) {
    val executor: ExecutorService = Executors.newSingleThreadExecutor()

    private val _settings = MutableStateFlow(Settings())
    val settings: StateFlow<Settings> = _settings.asStateFlow()

    private val _result = MutableStateFlow<Classification?>(null)
    val result: StateFlow<Classification?> = _result.asStateFlow()

    private val _error = MutableStateFlow<String?>(null)
    val error: StateFlow<String?> = _error.asStateFlow()

    private var engine: InferenceEngine? = null

    /** A new analyzer for the current settings, or null (with [error] set) when the model cannot run. */
    fun analyzer(): FrameAnalyzer? {
        val app = getApplication<Application>()
        val current = _settings.value
        return try {
            val spec = app.assets.open(current.model.propertiesAsset).reader().use(ModelSpec::parse)
            val labels = Labels.parse(app.assets.open(spec.labelsFile).reader().use { it.readText() })
            Labels.requireCount(labels, spec.classes)
            val created = InferenceEngine.create(app, spec, current)
            // Close the old engine on the analysis thread: it runs after any frame still using it.
            engine?.let { old -> executor.execute { old.close() } }
            engine = created
            _error.value = null
            FrameAnalyzer(spec, labels, created, current) { _result.value = it }
        } catch (error: Exception) {
            _error.value = error.message ?: error.toString()
            null
        }
    }

    fun update(settings: Settings) {
        _result.value = null
        _settings.value = settings
    }

    override fun onCleared() {
        executor.shutdown()
        engine?.close()
    }
}
