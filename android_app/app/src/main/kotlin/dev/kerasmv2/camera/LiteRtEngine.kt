package dev.kerasmv2.camera

import android.content.Context
import com.google.ai.edge.litert.Accelerator as LiteRtAccelerator
import com.google.ai.edge.litert.CompiledModel
import com.google.ai.edge.litert.Environment
import com.google.ai.edge.litert.NpuAcceleratorProvider
import com.google.ai.edge.litert.NpuCompatibilityChecker
import com.google.ai.edge.litert.TensorBuffer
import dev.kerasmv2.core.Accelerator
import dev.kerasmv2.core.AcceleratorPolicy
import dev.kerasmv2.core.DeviceAccelerators
import dev.kerasmv2.core.EngineConfig
import dev.kerasmv2.core.EngineFactory
import dev.kerasmv2.core.InferenceEngine
import dev.kerasmv2.core.ModelAssets
import dev.kerasmv2.core.ModelChoice
import dev.kerasmv2.core.ModelSpec
import dev.kerasmv2.core.TensorData
import dev.kerasmv2.core.openAll
import java.io.File
import java.io.FileInputStream
import java.io.StringReader
import java.nio.ByteBuffer
import java.nio.channels.FileChannel

/**
 * LiteRT 2.x behind the core's [EngineFactory]: one `Environment` and one `CompiledModel` per engine. Every
 * call comes from the core's EngineSession, on the analysis thread.
 */
class LiteRtEngineFactory(context: Context) : EngineFactory {
    private val app = context.applicationContext
    private val npuLibraries = PackagedNpuLibraries(app)
    private var environment: Environment? = null

    private fun environment(): Environment =
        environment ?: Environment.create(app, npuLibraries).also { environment = it }

    override fun accelerators(model: ModelChoice): DeviceAccelerators {
        val spec = ModelSpec.parse(StringReader(readText(model.propertiesAsset)))
        return DeviceAccelerators(
            reported = environment().getAvailableAccelerators().mapNotNull { it.toCore() }.toSet(),
            dispatchLibraries = npuLibraries.dispatchLibraries,
            npuModel = spec.npuModelFile?.takeIf(::assetExists),
        )
    }

    override fun create(config: EngineConfig): InferenceEngine {
        val assets = ModelAssets.load(config.model.propertiesAsset, ::readText, ::mapModel)
        val accelerators = AcceleratorPolicy.liteRtAccelerators(config.accelerator)
        val options = CompiledModel.Options(accelerators.map { it.toLiteRt() }.toSet())
        config.threads?.let { options.cpuOptions = CompiledModel.CpuOptions(numThreads = it) }
        // The policy offers the NPU only for a model with an NPU-compiled file.
        val file = if (config.accelerator == Accelerator.NPU) checkNotNull(assets.spec.npuModelFile) else assets.spec.modelFile
        return openAll { opened ->
            val model = opened.add(CompiledModel.create(app.assets, file, options, environment()))
            val inputs = opened.addAll(model.createInputBuffers())
            val outputs = opened.addAll(model.createOutputBuffers())
            LiteRtEngine(model, inputs, outputs, assets, accelerators)
        }
    }

    override fun close() {
        environment?.close()
        environment = null
    }

    private fun readText(name: String): String = app.assets.open(name).bufferedReader().use { it.readText() }

    private fun assetExists(name: String): Boolean = name in app.assets.list("").orEmpty()

    /** Maps the model straight from the APK (stored uncompressed: `noCompress += "tflite"`). */
    private fun mapModel(name: String): ByteBuffer =
        app.assets.openFd(name).use { descriptor ->
            FileInputStream(descriptor.fileDescriptor).channel.use { channel ->
                channel.map(FileChannel.MapMode.READ_ONLY, descriptor.startOffset, descriptor.declaredLength)
            }
        }
}

/**
 * The vendor NPU libraries this APK ships. LiteRT's `BuiltinNpuAcceleratorProvider` reports its library as
 * always ready, so `Environment.create` would set the dispatch folder, and LiteRT register an NPU, on any
 * supported chip without one; this provider is ready only when a `libLiteRtDispatch*.so` was packaged and
 * extracted (`useLegacyPackaging` in build.gradle.kts).
 */
private class PackagedNpuLibraries(context: Context) : NpuAcceleratorProvider {
    private val folder = context.applicationInfo.nativeLibraryDir
    val dispatchLibraries = AcceleratorPolicy.dispatchLibraries(File(folder).list()?.toList().orEmpty())

    override fun isDeviceSupported(): Boolean = NpuCompatibilityChecker.Default.isDeviceSupported()

    override fun isLibraryReady(): Boolean = dispatchLibraries.isNotEmpty()

    override suspend fun downloadLibrary() = Unit // nothing to download: the libraries come in the APK

    override fun getLibraryDir(): String = folder
}

private fun LiteRtAccelerator.toCore(): Accelerator? = when (this) {
    LiteRtAccelerator.CPU -> Accelerator.CPU
    LiteRtAccelerator.GPU -> Accelerator.GPU
    LiteRtAccelerator.NPU -> Accelerator.NPU
    LiteRtAccelerator.NONE -> null
}

private fun Accelerator.toLiteRt(): LiteRtAccelerator = when (this) {
    Accelerator.CPU -> LiteRtAccelerator.CPU
    Accelerator.GPU -> LiteRtAccelerator.GPU
    Accelerator.NPU -> LiteRtAccelerator.NPU
}

/**
 * One compiled model with its input and output buffers. 8-bit tensors go through `writeInt8`/`readInt8`
 * (a raw byte copy, so uint8 works too); the core's ModelIo quantises and dequantises.
 */
private class LiteRtEngine(
    private val model: CompiledModel,
    private val inputs: List<TensorBuffer>,
    private val outputs: List<TensorBuffer>,
    assets: ModelAssets,
    override val accelerators: Set<Accelerator>,
) : InferenceEngine {
    override val io = assets.io
    override val labels = assets.labels

    override fun run(input: TensorData): TensorData {
        when (input) {
            is TensorData.Floats -> inputs[0].writeFloat(input.values)
            is TensorData.Bytes -> inputs[0].writeInt8(input.values)
        }
        model.run(inputs, outputs)
        return if (io.output.type.quantized) TensorData.Bytes(outputs[0].readInt8()) else TensorData.Floats(outputs[0].readFloat())
    }

    override fun close() {
        inputs.forEach { it.close() }
        outputs.forEach { it.close() }
        model.close()
    }
}
