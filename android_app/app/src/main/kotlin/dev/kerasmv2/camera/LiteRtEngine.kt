package dev.kerasmv2.camera

import android.content.Context
import com.google.ai.edge.litert.Accelerator as LiteRtAccelerator
import com.google.ai.edge.litert.BuiltinNpuAcceleratorProvider
import com.google.ai.edge.litert.CompiledModel
import com.google.ai.edge.litert.Environment
import com.google.ai.edge.litert.TensorBuffer
import dev.kerasmv2.core.Accelerator
import dev.kerasmv2.core.AcceleratorPolicy
import dev.kerasmv2.core.EngineConfig
import dev.kerasmv2.core.EngineFactory
import dev.kerasmv2.core.InferenceEngine
import dev.kerasmv2.core.ModelAssets
import dev.kerasmv2.core.TensorData
import java.io.FileInputStream
import java.nio.ByteBuffer
import java.nio.channels.FileChannel

/**
 * LiteRT 2.x behind the core's [EngineFactory]: one `Environment` (with the NPU provider, so that
 * `getAvailableAccelerators()` can report an NPU whose vendor libraries ship with the app) and one
 * `CompiledModel` per engine. Every call comes from the core's EngineSession, on the analysis thread.
 */
class LiteRtEngineFactory(context: Context) : EngineFactory {
    private val app = context.applicationContext
    private var environment: Environment? = null

    private fun environment(): Environment =
        environment ?: Environment.create(app, BuiltinNpuAcceleratorProvider(app)).also { environment = it }

    override fun availableAccelerators(): Set<Accelerator> =
        environment().getAvailableAccelerators().mapNotNull { it.toCore() }.toSet()

    override fun create(config: EngineConfig): InferenceEngine {
        val assets = ModelAssets.load(config.model.propertiesAsset, ::readText, ::mapModel)
        val options = CompiledModel.Options(AcceleratorPolicy.liteRtAccelerators(config.accelerator).map { it.toLiteRt() }.toSet())
        config.threads?.let { options.cpuOptions = CompiledModel.CpuOptions(numThreads = it) }
        val model = CompiledModel.create(app.assets, assets.spec.modelFile, options, environment())
        return try {
            LiteRtEngine(model, assets)
        } catch (error: Exception) {
            model.close()
            throw error
        }
    }

    override fun close() {
        environment?.close()
        environment = null
    }

    private fun readText(name: String): String = app.assets.open(name).bufferedReader().use { it.readText() }

    /** Maps the model straight from the APK (stored uncompressed: `noCompress += "tflite"`). */
    private fun mapModel(name: String): ByteBuffer =
        app.assets.openFd(name).use { descriptor ->
            FileInputStream(descriptor.fileDescriptor).channel.use { channel ->
                channel.map(FileChannel.MapMode.READ_ONLY, descriptor.startOffset, descriptor.declaredLength)
            }
        }
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
private class LiteRtEngine(private val model: CompiledModel, assets: ModelAssets) : InferenceEngine {
    override val io = assets.io
    override val labels = assets.labels
    private val inputs: List<TensorBuffer> = model.createInputBuffers()
    private val outputs: List<TensorBuffer> = model.createOutputBuffers()

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
