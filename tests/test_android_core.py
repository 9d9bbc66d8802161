"""The Android app's pure-Kotlin logic (android_app/core), compiled and unit-tested here without Gradle.

Gradle and the Android SDK cannot be fetched on these machines, but the Kotlin compiler (npm package
`kotlin-compiler`, pinned in android_app/tools) and JUnit 4 (Debian) can: the core module's own tests run
against the app assets of a real export, so the app reads exactly what `mv2 export` writes.
"""

from __future__ import annotations

import subprocess

import keras
import pytest
from conftest import ROOT

from edge.app_assets import app_properties, write_app_assets
from edge.errors import EdgeError
from edge.export import export_classifier
from edge.metadata import read_metadata
from edge.representative import generated
from edge.runtime import LiteRTModel
from keras_mv2.applications import MobileViTv2

CORE = ROOT / "android_app" / "core"
KOTLIN_HOME = ROOT / "android_app" / "tools" / "node_modules" / "kotlin-compiler"
JARS = ["/usr/share/java/junit4.jar", "/usr/share/java/hamcrest-core.jar"]
TEST_CLASSES = ["LabelsTest", "TopKTest", "ScoreSmootherTest", "LatencyTrackerTest", "PreprocessTest", "ModelSpecTest"]


@pytest.fixture(scope="module")
def app_assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    assets = tmp_path_factory.mktemp("assets")
    model = MobileViTv2(0.5, input_shape=(64, 64, 3), classes=10)
    labels = [f"thing {i}" for i in range(10)]
    fp32 = export_classifier(model, folder / "mv2_fp32.tflite", labels=labels)
    int8 = export_classifier(
        model, folder / "mv2_int8.tflite", "int8", "uint8", generated((64, 64), 4), labels=labels
    )  # fmt: skip
    for result in (fp32, int8):
        write_app_assets(result.path, assets, result.quantization)
    return assets


def test_properties_agree_with_the_model_metadata(app_assets):
    for name, expected_type in (("mv2_fp32", "float32"), ("mv2_int8", "uint8")):
        model = app_assets / f"{name}.tflite"
        text = (app_assets / f"{name}.properties").read_text()
        values = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
        metadata = read_metadata(model)
        units = metadata["json"]["subgraph_metadata"][0]["input_tensor_metadata"][0]["process_units"]
        assert float(values["normalization_mean"]) == units[0]["options"]["mean"][0]
        assert float(values["normalization_std"]) == units[0]["options"]["std"][0]
        runner = LiteRTModel.load(model)
        assert (int(values["input_height"]), int(values["input_width"])) == runner.input_size == (64, 64)
        assert values["input_type"] == expected_type and values["classes"] == "10"
        assert (app_assets / "labels.txt").read_text() == metadata["files"]["labels.txt"]


def test_app_assets_refuse_models_without_metadata(tmp_path):
    from edge import convert

    inputs = keras.Input((8, 8, 3), batch_size=1)
    bare = tmp_path / "bare.tflite"
    bare.write_bytes(convert(keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(inputs)))).flatbuffer)
    with pytest.raises(EdgeError, match=r"no labels\.txt"):
        app_properties(bare, "float32")


def test_kotlin_core_unit_tests(app_assets, tmp_path):
    kotlinc = KOTLIN_HOME / "bin" / "kotlinc"
    assert kotlinc.is_file(), "run scripts/setup_env.sh test (installs android_app/tools)"
    lib = KOTLIN_HOME / "lib"
    test_libraries = [str(lib / "kotlin-test.jar"), str(lib / "kotlin-test-junit.jar"), *JARS]
    jar = tmp_path / "core.jar"
    compiled = subprocess.run(
        [str(kotlinc), str(CORE / "src/main/kotlin"), str(CORE / "src/test/kotlin"),
         "-cp", ":".join(test_libraries), "-d", str(jar)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    classpath = ":".join([str(jar), str(lib / "kotlin-stdlib.jar"), *test_libraries])
    result = subprocess.run(
        ["java", f"-Dmv2.assets={app_assets}", "-cp", classpath, "org.junit.runner.JUnitCore",
         *[f"dev.kerasmv2.core.{name}" for name in TEST_CLASSES]],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "OK (" in result.stdout
    assert "ModelSpec mv2_int8.properties" in result.stdout  # the real-export test ran, not skipped
