// Plain Kotlin/JVM: the app logic that needs no Android, unit-tested with `./gradlew :core:test`
// (and, on machines without Gradle, by tests/test_android_core.py in the Python suite).
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    testImplementation(libs.kotlin.test)
    testImplementation(libs.junit)
}
