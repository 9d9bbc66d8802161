import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "dev.kerasmv2.camera"
    compileSdk = 35

    defaultConfig {
        applicationId = "dev.kerasmv2.camera"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = false
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures {
        compose = true
    }
    androidResources {
        noCompress += "tflite" // memory-map the models straight from the APK
    }
    packaging {
        // Extract native libraries to nativeLibraryDir: LiteRT looks for a vendor's NPU dispatch library
        // (libLiteRtDispatch_*.so, if one is added to the app) in that folder, not inside the APK.
        jniLibs.useLegacyPackaging = true
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

// The models come from this repository's `mv2 export`: run `bash export_models.sh` (or
// `./gradlew :app:exportModels`) once. A build without them stops at once and says so, instead of
// starting a Python export in the middle of a Gradle build.
val assetsDir = layout.projectDirectory.dir("src/main/assets")
val modelProperties = listOf("mobilevitv2_fp32.properties", "mobilevitv2_int8.properties")

val exportModels by tasks.registering(Exec::class) {
    group = "mobilevitv2"
    description = "Exports MobileViTv2 fp32 and int8 LiteRT models with labels into src/main/assets (export_models.sh)."
    workingDir = rootDir
    commandLine("bash", "export_models.sh")
}

val checkModelAssets by tasks.registering {
    group = "mobilevitv2"
    description = "Fails with instructions when the exported models are missing from src/main/assets."
    val missing = modelProperties.map { assetsDir.file(it).asFile }
    val folder = assetsDir.asFile.path
    doLast {
        val absent = missing.filterNot { it.isFile }
        if (absent.isNotEmpty()) {
            throw GradleException(
                "Missing ${absent.joinToString { it.name }} in $folder: run `bash android_app/export_models.sh` " +
                    "(or ./gradlew :app:exportModels) once to export the models.",
            )
        }
    }
}
tasks.named("preBuild") { dependsOn(checkModelAssets) }

dependencies {
    implementation(project(":core"))
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.ui.tooling.preview)
    implementation(libs.androidx.camera.core)
    implementation(libs.androidx.camera.camera2)
    implementation(libs.androidx.camera.lifecycle)
    implementation(libs.androidx.camera.view)
    implementation(libs.litert)
    implementation(libs.litert.gpu) // from 2.3.0 the GPU accelerator ships in its own artifact
}
