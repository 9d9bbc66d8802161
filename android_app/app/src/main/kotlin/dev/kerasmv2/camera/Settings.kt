package dev.kerasmv2.camera

import android.os.Build

/** Where inference runs. Availability is decided per device, before the user can pick it. */
enum class Accelerator(val title: String) {
    CPU("CPU (XNNPACK)"),
    GPU("GPU"),
    NNAPI("NNAPI"),
    NPU("NPU");

    companion object {
        /** NNAPI exists from Android 8.1 (API 27) and is deprecated from Android 15 (API 35): not offered there. */
        val nnapiOffered: Boolean get() = Build.VERSION.SDK_INT in 27..34

        fun offered(): List<Accelerator> = entries.filter { it != NNAPI || nnapiOffered }
    }
}

/** The two models `export_models.sh` puts into assets; their `.properties` say the rest. */
enum class ModelChoice(val title: String, val propertiesAsset: String) {
    FLOAT32("MobileViTv2 fp32", "mobilevitv2_fp32.properties"),
    INT8("MobileViTv2 int8", "mobilevitv2_int8.properties"),
}

data class Settings(
    val model: ModelChoice = ModelChoice.FLOAT32,
    val accelerator: Accelerator = Accelerator.CPU,
    val threads: Int = 4,
    val maxResults: Int = 5,
    val scoreThreshold: Float = 0.0f,
)
