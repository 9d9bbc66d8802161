package dev.kerasmv2.camera

import android.Manifest
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.hardware.display.DisplayManager
import android.net.Uri
import android.provider.Settings as AndroidSettings
import android.view.Display
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.ModalBottomSheet
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import dev.kerasmv2.core.Accelerator
import dev.kerasmv2.core.EngineStatus
import dev.kerasmv2.core.ModelChoice
import dev.kerasmv2.core.Settings
import kotlin.math.roundToInt

private fun cameraGranted(context: Context) =
    ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED

@Composable
fun CameraScreen(model: ClassifierViewModel = viewModel()) {
    val context = LocalContext.current
    var granted by remember { mutableStateOf(cameraGranted(context)) }
    var asked by remember { mutableStateOf(false) }
    // Coming back from the system settings (or any other app) resumes the activity: look again.
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) { granted = cameraGranted(context) }
    val launcher = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) {
        granted = it
        asked = true
    }
    if (!granted) {
        PermissionNeeded(
            denied = asked,
            onAsk = { launcher.launch(Manifest.permission.CAMERA) },
            onOpenSettings = {
                context.startActivity(
                    Intent(AndroidSettings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null)),
                )
            },
        )
        return
    }
    LiveClassifier(model)
}

@Composable
private fun PermissionNeeded(denied: Boolean, onAsk: () -> Unit, onOpenSettings: () -> Unit) {
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().padding(24.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(
            if (denied) {
                "Camera access was denied. The classifier needs the camera; allow it in the app's settings."
            } else {
                "MobileViTv2 classifies what the camera sees, on this phone. Allow camera access to start."
            },
        )
        Button(onClick = if (denied) onOpenSettings else onAsk, modifier = Modifier.padding(top = 16.dp)) {
            Text(if (denied) "Open settings" else "Allow camera")
        }
        if (denied) {
            Button(onClick = onAsk, modifier = Modifier.padding(top = 8.dp)) { Text("Ask again") }
        }
    }
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun LiveClassifier(model: ClassifierViewModel) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val settings by model.settings.collectAsStateWithLifecycle()
    val result by model.result.collectAsStateWithLifecycle()
    val status by model.status.collectAsStateWithLifecycle()
    val offered by model.offered.collectAsStateWithLifecycle()
    val error by model.error.collectAsStateWithLifecycle()
    var showSettings by remember { mutableStateOf(false) }
    val previewView = remember { PreviewView(context) }

    // Bound once per lifecycle owner: settings changes reach the analysis thread without a rebind.
    DisposableEffect(lifecycleOwner) {
        val displays = context.getSystemService(DisplayManager::class.java)
        val rotation = displays.getDisplay(Display.DEFAULT_DISPLAY).rotation
        val preview = Preview.Builder().setTargetRotation(rotation).build()
        preview.setSurfaceProvider(previewView.surfaceProvider)
        val analysis = ImageAnalysis.Builder()
            .setTargetRotation(rotation)
            .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
            .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_RGBA_8888)
            .build()
        analysis.setAnalyzer(model.analysisExecutor, FrameAnalyzer(model::onFrame, model::onAnalysisError))
        // A 180-degree turn (landscape to reverse landscape) recreates nothing, so the target rotation that
        // rotationDegrees is computed from has to follow the display here.
        val rotationListener = object : DisplayManager.DisplayListener {
            override fun onDisplayAdded(displayId: Int) = Unit
            override fun onDisplayRemoved(displayId: Int) = Unit
            override fun onDisplayChanged(displayId: Int) {
                if (displayId != Display.DEFAULT_DISPLAY) return
                val now = displays.getDisplay(displayId)?.rotation ?: return
                analysis.setTargetRotation(now)
                preview.setTargetRotation(now)
            }
        }
        displays.registerDisplayListener(rotationListener, null)
        val providerFuture = ProcessCameraProvider.getInstance(context)
        var provider: ProcessCameraProvider? = null
        var disposed = false
        providerFuture.addListener({
            if (disposed) return@addListener // left the screen before CameraX was ready
            provider = providerFuture.get().also {
                it.unbindAll()
                it.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
            }
        }, ContextCompat.getMainExecutor(context))
        onDispose {
            disposed = true
            displays.unregisterDisplayListener(rotationListener)
            analysis.clearAnalyzer()
            provider?.unbind(preview, analysis)
        }
    }

    Box(Modifier.fillMaxSize()) {
        AndroidView(factory = { previewView }, modifier = Modifier.fillMaxSize())
        Column(
            Modifier.safeDrawingPadding().padding(12.dp)
                .background(Color.Black.copy(alpha = 0.6f), RoundedCornerShape(8.dp)).padding(12.dp),
        ) {
            (status as? EngineStatus.Failed)?.let { Text(it.message, color = Color(0xFFFF8A80)) }
            error?.let { Text(it, color = Color(0xFFFF8A80)) }
            if (status == EngineStatus.Idle) Text("Preparing ${settings.model.title} on ${settings.accelerator.title}...", color = Color.White)
            result?.let { classification ->
                classification.top.forEachIndexed { rank, category ->
                    Text("${rank + 1}. ${category.label}  ${(category.score * 100).roundToInt()}%", color = Color.White)
                }
                Text("${classification.model}, ${classification.accelerator}: ${classification.latency}", color = Color.LightGray)
                classification.note?.let { Text(it, color = Color(0xFFFFD180)) }
            }
        }
        Button(onClick = { showSettings = true }, modifier = Modifier.align(Alignment.BottomEnd).safeDrawingPadding().padding(16.dp)) {
            Text("Settings")
        }
    }
    if (showSettings) {
        ModalBottomSheet(onDismissRequest = { showSettings = false }) {
            SettingsSheet(settings, offered, onChange = model::update)
        }
    }
}

@Composable
private fun SettingsSheet(settings: Settings, offered: List<Accelerator>, onChange: (Settings) -> Unit) {
    Column(Modifier.fillMaxWidth().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text("Model")
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            ModelChoice.entries.forEach { choice ->
                FilterChip(settings.model == choice, { onChange(settings.copy(model = choice)) }, { Text(choice.title) })
            }
        }
        Text("Accelerator (what can run this model here)")
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            offered.forEach { accelerator ->
                FilterChip(
                    settings.accelerator == accelerator,
                    { onChange(settings.copy(accelerator = accelerator)) },
                    { Text(accelerator.title) },
                )
            }
        }
        if (settings.accelerator == Accelerator.CPU) {
            CommittedSlider("CPU threads", settings.threads.toFloat(), 1f..Settings.MAX_THREADS.toFloat(), Settings.MAX_THREADS - 2, { "${it.roundToInt()}" }) {
                onChange(settings.copy(threads = it.roundToInt()))
            }
        }
        CommittedSlider("Results shown", settings.display.maxResults.toFloat(), 1f..10f, 8, { "${it.roundToInt()}" }) {
            onChange(settings.copy(display = settings.display.copy(maxResults = it.roundToInt())))
        }
        CommittedSlider("Score threshold", settings.display.scoreThreshold, 0f..0.9f, 0, { "${(it * 100).roundToInt()}%" }) {
            onChange(settings.copy(display = settings.display.copy(scoreThreshold = it)))
        }
    }
}

/** A slider that applies its value when the finger lifts (a thread-count change recompiles the model). */
@Composable
private fun CommittedSlider(
    title: String,
    value: Float,
    range: ClosedFloatingPointRange<Float>,
    steps: Int,
    format: (Float) -> String,
    onCommit: (Float) -> Unit,
) {
    var dragged by remember(value) { mutableStateOf(value) }
    Text("$title: ${format(dragged)}")
    Slider(dragged, { dragged = it }, valueRange = range, steps = steps, onValueChangeFinished = { onCommit(dragged) })
}
