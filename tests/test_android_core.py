"""The Android app's pure-Kotlin logic (android_app/core), compiled and unit-tested here without Gradle.

Gradle and the Android SDK cannot be fetched on these machines, but the Kotlin compiler (npm package
`kotlin-compiler`, pinned in android_app/tools to the Kotlin version of the Gradle build) and JUnit 4
(Debian) can: the core module's own tests run against the app assets of a real export, so the app reads
exactly what `mv2 export` writes, and the frames it encodes are fed to LiteRT here and compared with the
project's own runtime.
"""

from __future__ import annotations

import re
import subprocess

import keras
import numpy as np
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
TEST_CLASSES = [
    "LabelsTest", "TopKTest", "ScoreSmootherTest", "LatencyTrackerTest", "PreprocessTest", "ModelSpecTest",
    "QuantizationTest", "ModelIoTest", "ModelAssetsTest", "AcceleratorPolicyTest", "EngineSessionTest",
    "FrameClassifierTest", "LatestResultTest", "ClosingTest",
]  # fmt: skip


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
    signed = export_classifier(
        model, folder / "mv2_int8_signed.tflite", "int8", "int8", generated((64, 64), 4), labels=labels
    )  # fmt: skip
    for result in (fp32, int8, signed):
        write_app_assets(result.path, assets, result.quantization)
    return assets


def test_properties_agree_with_the_model_metadata(app_assets):
    for name, expected_type in (("mv2_fp32", "float32"), ("mv2_int8", "uint8"), ("mv2_int8_signed", "int8")):
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


@pytest.fixture(scope="module")
def kotlin_run(app_assets, tmp_path_factory):
    """Compiles android_app/core with its tests and runs them once; returns (stdout, folder of encoded frames)."""
    kotlinc = KOTLIN_HOME / "bin" / "kotlinc"
    assert kotlinc.is_file(), "run scripts/setup_env.sh test (installs android_app/tools)"
    lib = KOTLIN_HOME / "lib"
    test_libraries = [str(lib / "kotlin-test.jar"), str(lib / "kotlin-test-junit.jar"), *JARS]
    work = tmp_path_factory.mktemp("kotlin")
    jar = work / "core.jar"
    compiled = subprocess.run(
        [str(kotlinc), str(CORE / "src/main/kotlin"), str(CORE / "src/test/kotlin"),
         "-cp", ":".join(test_libraries), "-d", str(jar)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    frames = work / "frames"
    frames.mkdir()
    classpath = ":".join([str(jar), str(lib / "kotlin-stdlib.jar"), *test_libraries])
    result = subprocess.run(
        ["java", f"-Dmv2.assets={app_assets}", f"-Dmv2.out={frames}", "-cp", classpath, "org.junit.runner.JUnitCore",
         *[f"dev.kerasmv2.core.{name}" for name in TEST_CLASSES]],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout, frames


def test_kotlin_core_unit_tests(kotlin_run):
    stdout, _ = kotlin_run
    assert "OK (" in stdout
    assert "ModelSpec mv2_int8.properties" in stdout  # the real-export tests ran, not skipped
    assert "TENSORS mv2_int8 " in stdout


def test_kotlin_reads_the_tensors_litert_reads(app_assets, kotlin_run):
    """The app's own FlatBuffer reader finds the type, scale and zero point LiteRT reports for each tensor."""
    stdout, _ = kotlin_run
    rows = dict(re.findall(r"TENSORS (\S+) (input=.*)$", stdout, re.MULTILINE))
    assert set(rows) == {"mv2_fp32", "mv2_int8", "mv2_int8_signed"}
    for name, line in rows.items():
        runner = LiteRTModel.load(app_assets / f"{name}.tflite")
        kotlin = dict(part.split("=") for part in re.findall(r"(?:input|output)=\S+ \S+ \S+", line))
        for side, details in (("input", runner.input_details), ("output", runner.output_details)):
            dtype, scale, zero = kotlin[side].split()
            assert dtype == details["dtype"].__name__, (name, side)
            assert float(scale) == pytest.approx(float(details["quantization"][0]), rel=1e-6), (name, side)
            assert int(zero) == int(details["quantization"][1]), (name, side)


def test_kotlin_encoded_frames_are_what_litert_expects(app_assets, kotlin_run):
    """A frame the app preprocessed and encoded (float or uint8) equals what the project's runtime feeds LiteRT
    for the same pixels, and gives the same output."""
    _, frames = kotlin_run
    for name in ("mv2_fp32", "mv2_int8", "mv2_int8_signed"):
        runner = LiteRTModel.load(app_assets / f"{name}.tflite")
        details, out = runner.input_details, runner.output_details
        shape = tuple(int(d) for d in details["shape"])
        rgb = np.fromfile(frames / f"{name}.rgb", dtype="<f4").reshape(shape)
        assert rgb.min() >= 0 and rgb.max() <= 255 and rgb.std() > 10  # a real picture, not a blank
        encoded = np.fromfile(frames / f"{name}.input", dtype=np.dtype(details["dtype"]).newbyteorder("<"))
        encoded = encoded.reshape(shape).astype(details["dtype"])
        runner(rgb)
        python_input = runner.interpreter.get_tensor(details["index"])
        python_output = runner.interpreter.get_tensor(out["index"]).copy()
        if details["dtype"] == np.float32:
            np.testing.assert_array_equal(encoded, python_input)
        else:
            # Equal except on exact .5 ties (LiteRT's kernels round them away from zero, numpy to even).
            difference = np.abs(encoded.astype(np.int32) - python_input.astype(np.int32))
            scale = float(details["quantization"][0])
            ties = np.isclose(np.abs(rgb / scale) % 1, 0.5)
            assert difference.max() <= 1 and not np.any(difference[~ties]), name
            print(f"{name}: {details['dtype'].__name__} input {details['quantization']}, {ties.sum()} rounding ties")
        runner.interpreter.set_tensor(details["index"], encoded)
        runner.interpreter.invoke()
        kotlin_output = runner.interpreter.get_tensor(out["index"])
        # Identical inputs give identical outputs; a few tie pixels may move an 8-bit output by a code or two.
        codes = 0 if out["dtype"] == np.float32 else 2
        gap = np.abs(kotlin_output.astype(np.float64) - python_output.astype(np.float64)).max()
        print(f"{name}: largest output difference {gap} ({out['dtype'].__name__} output)")
        np.testing.assert_allclose(
            kotlin_output.astype(np.float64), python_output.astype(np.float64), atol=codes, rtol=0
        )
