// Signature stubs of LiteRT 2.3.0's Kotlin API (google-ai-edge/LiteRT at f67457790c9c, whose
// litert/version.bzl says 2.3.0), only the declarations the app uses and the overloads of their names.
// Each comment names the file under litert/kotlin/src/main/kotlin/com/google/ai/edge/litert/ and the line.
package com.google.ai.edge.litert

import android.content.Context
import android.content.res.AssetManager
import dev.kerasmv2.stubs.stub

// Common.kt:22
enum class Accelerator { NONE, CPU, GPU, NPU }

// Common.kt:43; close() is final there (Common.kt:58)
abstract class JniHandle internal constructor() : AutoCloseable {
    final override fun close(): Unit = stub()
}

// Environment.kt:22
class Environment private constructor() : JniHandle() {
    // Environment.kt:31
    enum class Option { CompilerPluginLibraryDir, DispatchLibraryDir, SystemRuntimeHandle, SystemGpuAcceleratorHandle }

    // Environment.kt:56
    fun getAvailableAccelerators(): Set<Accelerator> = stub()

    companion object {
        // Environment.kt:83
        fun create(context: Context, options: Map<Option, String> = mapOf(), enableCompilerCache: Boolean = true): Environment = stub()

        // Environment.kt:112
        fun create(options: Map<Option, String> = mapOf()): Environment = stub()

        // Environment.kt:130
        fun create(
            context: Context,
            npuAcceleratorProvider: NpuAcceleratorProvider,
            options: Map<Option, String> = mapOf(),
            enableCompilerCache: Boolean = true,
        ): Environment = stub()

        // Environment.kt:167
        fun create(npuAcceleratorProvider: NpuAcceleratorProvider, options: Map<Option, String> = mapOf()): Environment = stub()
    }
}

// AcceleratorProvider.kt:28
interface NpuCompatibilityChecker {
    fun isDeviceSupported(): Boolean // AcceleratorProvider.kt:29

    companion object {
        val Default: NpuCompatibilityChecker = stub() // AcceleratorProvider.kt:100
    }
}

// AcceleratorProvider.kt:113
interface NpuAcceleratorProvider {
    fun isDeviceSupported(): Boolean // AcceleratorProvider.kt:115

    fun isLibraryReady(): Boolean // AcceleratorProvider.kt:118

    suspend fun downloadLibrary() // AcceleratorProvider.kt:121

    fun getLibraryDir(): String // AcceleratorProvider.kt:124
}

// Model.kt:56
class CompiledModel private constructor() : JniHandle() {
    // Model.kt:64
    data class CpuOptions(val numThreads: Int? = null, val xnnPackFlags: Int? = null, val xnnPackWeightCachePath: String? = null)

    // Model.kt:337; the accelerators are internal there (not readable by the app)
    class Options(internal val accelerators: Set<Accelerator>) {
        constructor(vararg accelerators: Accelerator) : this(setOf(*accelerators)) // Model.kt:339

        var cpuOptions: CpuOptions? = null // Model.kt:341
    }

    fun createInputBuffers(signatureIndex: Int = 0): List<TensorBuffer> = stub() // Model.kt:388

    fun createInputBuffers(signature: String): List<TensorBuffer> = stub() // Model.kt:396

    fun createOutputBuffers(signatureIndex: Int = 0): List<TensorBuffer> = stub() // Model.kt:405

    fun createOutputBuffers(signature: String): List<TensorBuffer> = stub() // Model.kt:413

    fun run(inputs: List<TensorBuffer>, signatureIndex: Int = 0): List<TensorBuffer> = stub() // Model.kt:422

    fun run(inputs: List<TensorBuffer>, signature: String): List<TensorBuffer> = stub() // Model.kt:431

    fun run(inputs: List<TensorBuffer>, outputs: List<TensorBuffer>, signatureIndex: Int = 0): Unit = stub() // Model.kt:441

    fun run(inputs: List<TensorBuffer>, outputs: List<TensorBuffer>, signature: String): Unit = stub() // Model.kt:453

    // Model.kt:465
    fun run(inputs: Map<String, TensorBuffer>, outputs: Map<String, TensorBuffer>, signature: String = ""): Unit = stub()

    companion object {
        // Model.kt:583
        fun create(
            assetManager: AssetManager,
            assetName: String,
            options: Options = stub(),
            optionalEnv: Environment? = null,
        ): CompiledModel = stub()

        // Model.kt:595
        fun create(filePath: String, options: Options = stub(), optionalEnv: Environment? = null): CompiledModel = stub()
    }
}

// TensorBuffer.kt:20
class TensorBuffer internal constructor() : JniHandle() {
    fun writeFloat(data: FloatArray): Unit = stub() // TensorBuffer.kt:32

    fun writeInt8(data: ByteArray): Unit = stub() // TensorBuffer.kt:39

    fun readFloat(): FloatArray = stub() // TensorBuffer.kt:67

    fun readInt8(): ByteArray = stub() // TensorBuffer.kt:74
}
