package dev.kerasmv2.camera

import android.content.Context
import com.google.ai.edge.litert.Accelerator as LiteRtAccelerator
import com.google.ai.edge.litert.CompiledModel
import dev.kerasmv2.core.ModelSpec
import java.io.Closeable
import java.io.FileInputStream
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel
import org.tensorflow.lite.Interpreter
import org.tensorflow.lite.nnapi.NnApiDelegate

/** Runs the classifier on one preprocessed frame (HWC floats, already normalised) and returns its scores. */
interface InferenceEngine : Closeable {
    fun run(input: FloatArray): FloatArray

    companion object {
        /**
         * CPU and NNAPI use LiteRT's Interpreter (XNNPACK with a thread count; the NNAPI delegate); GPU and
         * NPU use LiteRT's CompiledModel, the API through which LiteRT offers them.
         *
         * @throws IllegalStateException with a readable reason when the accelerator cannot run the model.
         */
        fun create(context: Context, spec: ModelSpec, settings: Settings): InferenceEngine = try {
            when (settings.accelerator) {
                Accelerator.CPU, Accelerator.NNAPI -> InterpreterEngine(context, spec, settings)
                Accelerator.GPU -> CompiledModelEngine(context, spec, LiteRtAccelerator.GPU)
                Accelerator.NPU -> CompiledModelEngine(context, spec, LiteRtAccelerator.NPU)
            }
        } catch (error: Exception) {
            throw IllegalStateException("${settings.accelerator.title} cannot run ${spec.modelFile}: ${error.message}", error)
        }
    }
}

private fun mapAsset(context: Context, name: String): MappedByteBuffer =
    context.assets.openFd(name).use { descriptor ->
        FileInputStream(descriptor.fileDescriptor).channel.use { channel ->
            channel.map(FileChannel.MapMode.READ_ONLY, descriptor.startOffset, descriptor.declaredLength)
        }
    }

private class InterpreterEngine(context: Context, spec: ModelSpec, settings: Settings) : InferenceEngine {
    private val nnapi = if (settings.accelerator == Accelerator.NNAPI) NnApiDelegate() else null
    private val interpreter = Interpreter(
        mapAsset(context, spec.modelFile),
        Interpreter.Options().apply {
            setNumThreads(settings.threads)
            nnapi?.let { addDelegate(it) }
        },
    )
    private val inputBuffer = ByteBuffer.allocateDirect(4 * spec.inputWidth * spec.inputHeight * 3)
        .order(ByteOrder.nativeOrder())
    private val output = Array(1) { FloatArray(spec.classes) }

    override fun run(input: FloatArray): FloatArray {
        inputBuffer.rewind()
        inputBuffer.asFloatBuffer().put(input)
        interpreter.run(inputBuffer, output)
        return output[0].copyOf()
    }

    override fun close() {
        interpreter.close()
        nnapi?.close()
    }
}

private class CompiledModelEngine(context: Context, spec: ModelSpec, accelerator: LiteRtAccelerator) : InferenceEngine {
    private val model = CompiledModel.create(context.assets, spec.modelFile, CompiledModel.Options(accelerator))
    private val inputs = model.createInputBuffers()
    private val outputs = model.createOutputBuffers()

    override fun run(input: FloatArray): FloatArray {
        inputs[0].writeFloat(input)
        model.run(inputs, outputs)
        return outputs[0].readFloat()
    }

    override fun close() {
        inputs.forEach { it.close() }
        outputs.forEach { it.close() }
        model.close()
    }
}
