// Plain Kotlin/JVM: the app logic that needs no Android, unit-tested with `./gradlew :core:test`
// (and, on machines without Gradle, by tests/test_android_core.py in the Python suite).
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.kotlin.jvm)
}

// Java 17 bytecode from whatever JDK (17 or newer) runs Gradle: no toolchain to provision or download.
java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    testImplementation(libs.kotlin.test)
    testImplementation(libs.junit)
}
