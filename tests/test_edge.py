"""edge: every quantisation mode end to end, Flex refusal, metadata + MediaPipe, Edge TPU rules, runtime errors."""

from __future__ import annotations

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import ROOT, SAMPLES, checkpoint, reference_io

from edge import (
    EdgeError,
    LiteRTModel,
    check_edgetpu,
    convert,
    fidelity,
    from_folder,
    generated,
    input_noise_sensitivity,
    make_interpreter,
)
from edge.export import export_classifier, verification_images
from edge.metadata import read_metadata
from keras_mv2.applications import MobileViTv2, class_names, eval_transform
from keras_mv2.layers import ConvNormAct, InvertedResidual


@pytest.fixture(scope="module")
def logits_model():
    return MobileViTv2(0.5, weights=str(checkpoint("0.5")), classifier_activation=None)


@pytest.fixture(scope="module")
def test_images():
    """Real photographs and Apple's fixture images, [0, 255]."""
    return np.concatenate([verification_images((256, 256)), reference_io("0.5", "256x256")["images"]])


@pytest.fixture(scope="module")
def calibration():
    return from_folder(SAMPLES, (256, 256))


def tensor_types(flatbuffer: bytes) -> set[str]:
    interpreter = make_interpreter(flatbuffer, "cpu")
    return {np.dtype(t["dtype"]).name for t in interpreter.get_tensor_details()}


def test_float32_matches_keras(logits_model, test_images):
    litert = LiteRTModel.load(convert(logits_model).flatbuffer)
    report = fidelity(logits_model, litert, test_images)
    assert report.max_abs_error < 1e-4 and report.top1_agreement == 1.0


def test_float16_weights(logits_model, test_images):
    conversion = convert(logits_model, "float16")
    assert "float16" in tensor_types(conversion.flatbuffer)
    report = fidelity(logits_model, LiteRTModel.load(conversion.flatbuffer), test_images)
    assert report.min_cosine > 0.999 and report.top1_agreement == 1.0


def test_dynamic_range_int8(logits_model, test_images):
    conversion = convert(logits_model, "dynamic")
    assert "int8" in tensor_types(conversion.flatbuffer)
    report = fidelity(logits_model, LiteRTModel.load(conversion.flatbuffer), test_images)
    assert report.mean_cosine > 0.8  # measured 0.93 on these random weights (int8 weights, float activations)


@pytest.mark.parametrize("io_type", ["uint8", "int8"])
def test_full_integer_int8(logits_model, calibration, io_type):
    conversion = convert(logits_model, "int8", io_type, calibration)
    interpreter = make_interpreter(conversion.flatbuffer)
    assert interpreter.get_input_details()[0]["dtype"] == np.dtype(io_type)
    assert interpreter.get_output_details()[0]["dtype"] == np.dtype(io_type)
    assert "float32" not in tensor_types(conversion.flatbuffer)
    assert conversion.calibration == {"source": f"4 images from {SAMPLES}", "images": 4, "folders": 1}
    # The CNN stages quantise closely (the whole random-weight network does not: see the benchmark).
    stem = keras.Model(logits_model.inputs, logits_model.get_layer("layer_1_0").output)
    stem_conversion = convert(stem, "int8", "float32", calibration)
    images = verification_images((256, 256))
    reference = stem.predict(images, verbose=0).reshape(len(images), -1)
    quantised = LiteRTModel.load(stem_conversion.flatbuffer)(images).reshape(len(images), -1)
    cosine = (reference * quantised).sum(1) / np.linalg.norm(reference, axis=1) / np.linalg.norm(quantised, axis=1)
    assert cosine.min() > 0.99


def test_int16x8_is_the_accuracy_reference(logits_model, calibration):
    """int16 activations must follow Keras more closely than int8 ones, on the same calibration."""
    images = verification_images((256, 256))
    int16 = convert(logits_model, "int16x8", representative=calibration)
    assert "int16" in tensor_types(int16.flatbuffer)
    int16_report = fidelity(logits_model, LiteRTModel.load(int16.flatbuffer, delegate="cpu"), images)
    int8 = convert(logits_model, "int8", representative=calibration)
    int8_report = fidelity(logits_model, LiteRTModel.load(int8.flatbuffer, delegate="cpu"), images)
    assert int16_report.mean_cosine > max(int8_report.mean_cosine, 0.8), (int16_report, int8_report)


def test_calibration_on_generated_images_is_reported(logits_model):
    conversion = convert(logits_model, "int8", representative=None)
    assert conversion.calibration["source"] == "32 generated images (no representative folder was given)"


def test_static_batch_one_without_shape_ops(logits_model):
    interpreter = make_interpreter(convert(logits_model).flatbuffer)
    assert list(interpreter.get_input_details()[0]["shape"]) == [1, 256, 256, 3]
    assert "SHAPE" not in {op["op_name"] for op in interpreter._get_ops_details()}


def test_flex_ops_are_refused(tmp_path):
    inputs = keras.Input((4, 4), batch_size=1)
    outputs = keras.layers.Lambda(lambda x: tf.linalg.inv(x))(inputs)  # MatrixInverse: no TFLite builtin
    model = keras.Model(inputs, keras.layers.Flatten()(outputs))
    with pytest.raises(EdgeError, match="not TFLite builtins"):
        convert(model)
    with pytest.raises(EdgeError, match="not TFLite builtins"):
        export_classifier(model, tmp_path / "m.tflite", labels=[str(i) for i in range(16)])
    assert list(tmp_path.iterdir()) == []


def test_dynamic_size_model_is_refused():
    with pytest.raises(EdgeError, match="not static"):
        convert(MobileViTv2(0.5, input_shape=(None, None, 3)))


def test_metadata_is_read_by_mediapipe(tmp_path, logits_model):
    from mediapipe import Image, ImageFormat
    from mediapipe.tasks.python import BaseOptions, vision

    path = tmp_path / "mv2.tflite"
    result = export_classifier(logits_model, path)
    metadata = read_metadata(path)
    assert metadata["files"]["labels.txt"].splitlines() == class_names("imagenet", 1000)
    process = metadata["json"]["subgraph_metadata"][0]["input_tensor_metadata"][0]["process_units"][0]
    assert process["options"] == {"mean": [0.0], "std": [1.0]}  # the model takes [0, 255] itself
    assert json.loads(path.with_suffix(".json").read_text())["fidelity"]["top1_agreement"] == 1.0
    assert result.fidelity.max_abs_error < 1e-4

    options = vision.ImageClassifierOptions(base_options=BaseOptions(model_asset_path=str(path)), max_results=3)
    with vision.ImageClassifier.create_from_options(options) as classifier:
        for name in ("chelsea.jpg", "rocket.jpg"):
            image = eval_transform(SAMPLES / name, 256)
            keras_top = np.argsort(-logits_model.predict(image[None], verbose=0)[0])[:3]
            mp_image = Image(image_format=ImageFormat.SRGB, data=np.ascontiguousarray(image.astype(np.uint8)))
            categories = classifier.classify(mp_image).classifications[0].categories
            assert [c.index for c in categories] == list(keras_top)
            assert categories[0].category_name == class_names("imagenet", 1000)[keras_top[0]]


def small_cnn() -> keras.Model:
    image = keras.Input((64, 64, 3), batch_size=1)
    x = keras.layers.Rescaling(1 / 255)(image)
    x = ConvNormAct(16, 3, strides=2)(x)
    x = InvertedResidual(24, strides=2)(x)
    x = InvertedResidual(24)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(image, keras.layers.Dense(10)(x))


def test_edgetpu_checker_passes_an_integer_cnn():
    conversion = convert(small_cnn(), "int8", "uint8", generated((64, 64), 8))
    report = check_edgetpu(conversion.flatbuffer)
    assert report.ready, report.summary()


def test_edgetpu_checker_names_offending_ops(logits_model, calibration):
    report = check_edgetpu(convert(logits_model, "int8", "uint8", calibration).flatbuffer)
    assert not report.ready
    # Separable attention's exponential is the one op the Edge TPU lacks (ops from there run on the CPU).
    assert {o.op for o in report.offences if o.rule == "unsupported op"} == {"EXP"}
    assert report.first_offending_op > 0 and "unsupported ops: EXP" in report.summary()
    float_report = check_edgetpu(convert(small_cnn()).flatbuffer)
    assert any(o.rule == "not 8-bit quantised" for o in float_report.offences)


def test_edgetpu_checker_finds_rank_5_tensors():
    image = keras.Input((8, 8, 3), batch_size=1)
    x = keras.layers.Reshape((2, 4, 8, 3))(image)
    model = keras.Model(image, keras.layers.Flatten()(x * 2.0))
    report = check_edgetpu(convert(model, "int8", "uint8", generated((8, 8), 4)).flatbuffer)
    assert any(o.rule == "more than 3 non-unit dimensions" for o in report.offences)


@pytest.mark.parametrize(
    ("delegate", "message"),
    [("nnapi", "only on Android"), ("edgetpu", "Edge TPU delegate is not available"), ("tpu", "unknown delegate")],
)
def test_unavailable_delegates_say_so(delegate, message):
    with pytest.raises(EdgeError, match=message):
        make_interpreter(convert(small_cnn()).flatbuffer, delegate)


def test_bad_inputs(tmp_path, logits_model):
    with pytest.raises(EdgeError, match="does not exist"):
        from_folder(tmp_path / "nowhere", (256, 256))
    (tmp_path / "empty").mkdir()
    with pytest.raises(EdgeError, match="no images"):
        from_folder(tmp_path / "empty", (256, 256))
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "a.jpg").write_bytes((SAMPLES / "chelsea.jpg").read_bytes())
    (tmp_path / "mixed" / "b.jpg").write_text("a text file with an image suffix")
    with pytest.raises(EdgeError, match=r"b\.jpg: not a readable image"):
        from_folder(tmp_path / "mixed", (256, 256))
    with pytest.raises(EdgeError, match=r"no such \.tflite"):
        make_interpreter(tmp_path / "missing.tflite")
    runner = LiteRTModel.load(convert(small_cnn()).flatbuffer)
    with pytest.raises(EdgeError, match=r"the model takes \(64, 64, 3\)"):
        runner(np.zeros((1, 32, 32, 3)))
    with pytest.raises(EdgeError, match=r"must end in \.tflite"):
        export_classifier(logits_model, tmp_path / "model.bin")
    assert not list(tmp_path.glob("*.tflite")) and not list(tmp_path.glob(".*tmp"))


def test_cli_export_and_classify(tmp_path):
    output = tmp_path / "m.tflite"
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"}
    export = subprocess.run(
        [sys.executable, "-m", "keras_mv2.cli", "export", str(output), "--alpha", "0.5",
         "--weights", str(checkpoint("0.5")), "--quantization", "float16"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr[-2000:]
    assert "fidelity vs Keras" in export.stdout and output.is_file() and output.with_suffix(".json").is_file()
    classify = subprocess.run(
        [sys.executable, "-m", "keras_mv2.cli", "classify", str(output), str(SAMPLES / "coffee.jpg")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert classify.returncode == 0, classify.stderr[-2000:]
    assert "coffee.jpg" in classify.stdout and "  5. " in classify.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "keras_mv2.cli", "classify", str(tmp_path / "none.tflite"), str(SAMPLES / "coffee.jpg")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert missing.returncode == 2 and "no such .tflite file" in missing.stderr


def test_input_noise_sensitivity_separates_stable_from_chaotic_functions():
    images = np.random.default_rng(1).uniform(0, 255, (6, 8, 8, 3)).astype(np.float32)
    weights = np.random.default_rng(2).normal(size=(192, 10))

    def smooth(batch):  # a linear classifier: sub-grey-level noise barely moves it
        return batch.reshape(len(batch), -1) @ weights

    def chaotic(batch):  # outputs that depend on the input's exact low-order digits
        return np.sin(1e4 * batch.reshape(len(batch), -1)) @ weights

    stable = input_noise_sensitivity(smooth, images, sigma=0.5)
    unstable = input_noise_sensitivity(chaotic, images, sigma=0.5)
    assert stable.min_cosine > 0.999 and stable.top1_agreement == 1.0
    assert unstable.mean_cosine < 0.5


def test_calibration_is_drawn_from_every_class_folder(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    for label in range(10):  # a class-folder tree, as `mv2 train` and `mv2 evaluate` use
        (tmp_path / f"class_{label}").mkdir()
        for index in range(30):
            pixels = np.full((16, 16, 3), label * 25, np.uint8) + rng.integers(0, 5, (16, 16, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / f"class_{label}" / f"{index:03d}.png")
    data = from_folder(tmp_path, (16, 16), count=100)
    assert len(data.images) == 100 and data.folders == 10
    # Each class's images have their own grey level: every class is there, ten images each.
    levels, counts = np.unique(np.round(data.images.mean(axis=(1, 2, 3)) / 25).astype(int), return_counts=True)
    assert levels.tolist() == list(range(10)) and counts.tolist() == [10] * 10
    assert data.coverage() == {"source": f"100 images from 10 sub-folders of {tmp_path}", "images": 100, "folders": 10}
    np.testing.assert_array_equal(from_folder(tmp_path, (16, 16), count=100).images, data.images)  # seeded
    assert not np.array_equal(from_folder(tmp_path, (16, 16), count=100, seed=1).images, data.images)
