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
    kotlinOptions {
        jvmTarget = "17"
    }
    buildFeatures {
        compose = true
    }
    androidResources {
        noCompress += "tflite" // memory-map the models straight from the APK
    }
}

// The models come from this repository's `mv2 export` (no download at build time). The task runs only
// when the assets are missing; run it by hand (`./gradlew :app:exportModels`) to refresh them.
val assetsDir = layout.projectDirectory.dir("src/main/assets")
val exportModels by tasks.registering(Exec::class) {
    description = "Exports MobileViTv2 fp32 and int8 LiteRT models with labels into src/main/assets via mv2 export."
    workingDir = rootDir
    commandLine("bash", "export_models.sh")
    onlyIf { !assetsDir.file("mobilevitv2_fp32.properties").asFile.exists() }
}
tasks.named("preBuild") { dependsOn(exportModels) }

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
    implementation(libs.litert.gpu)
}
