"""Dense-task LiteRT exports: LiteRT vs Keras (fp32 and int8) and MediaPipe's ImageSegmenter / ObjectDetector.

float32: Keras-initialised weights (fixed seed), compared by argmax or NMS where the margins exceed float32
rounding (the random fixture checkpoints give class margins and box sizes so extreme that any rounding flips
them). int8: the backbone of a briefly trained classifier with BatchNorm statistics re-estimated on real images,
measured on held-out Fashion-MNIST images under both CPU kernel sets: a Keras-initialised network carries
activations of 1e-7 after a few stages, whose int8 ranges no trained network has.
"""

from __future__ import annotations

import json

import keras
import mediapipe as mp
import numpy as np
import pytest
from conftest import SAMPLES, fashion_images, with_trained_backbone
from mediapipe.tasks.python import BaseOptions, vision
from PIL import Image

from edge import EdgeError, LiteRTModel
from edge.dense_export import export_dense
from edge.dense_fidelity import detector_fidelity, segmenter_fidelity, sqnr_db
from edge.fidelity import litert_graph, op_name
from edge.representative import RepresentativeData, from_fashion_mnist
from edge.runtime import KERNEL_SETS
from keras_mv2.applications import DeepLabV3MobileViTv2, SSDLiteMobileViTv2, anchors_for
from keras_mv2.applications.ssd_decode import detect
from keras_mv2.training import reestimate_batchnorm


def photo(size: tuple[int, int], name: str = "chelsea.jpg") -> np.ndarray:
    return np.asarray(Image.open(SAMPLES / name).convert("RGB").resize(size[::-1], Image.BILINEAR))


def photos(size: tuple[int, int]) -> np.ndarray:
    return np.stack([photo(size, name) for name in ("chelsea.jpg", "coffee.jpg", "astronaut.jpg", "rocket.jpg")])


@pytest.fixture(scope="module")
def segmenter():
    keras.utils.set_random_seed(1)
    return DeepLabV3MobileViTv2(0.5, classes=21, input_shape=(256, 256, 3))


@pytest.fixture(scope="module")
def detector():
    keras.utils.set_random_seed(0)
    return SSDLiteMobileViTv2(0.5, classes=81, input_shape=(320, 320, 3))


def test_segmenter_fp32_follows_keras_and_mediapipe_reads_it(segmenter, tmp_path):
    image = photo((256, 256))
    reference = segmenter.predict(image[None].astype(np.float32), verbose=0)[0]
    labels = [f"class {i}" for i in range(21)]
    fp32 = export_dense(segmenter, tmp_path / "seg.tflite", labels).path
    logits = LiteRTModel.load(fp32)(image[None].astype(np.float32))[0]
    assert np.abs(logits - reference).max() < 1e-3
    assert segmenter_fidelity(segmenter, fp32, photos((256, 256))).logits_sqnr_db > 80
    options = vision.ImageSegmenterOptions(
        base_options=BaseOptions(model_asset_path=str(fp32)), output_category_mask=True
    )
    with vision.ImageSegmenter.create_from_options(options) as mediapipe_segmenter:
        result = mediapipe_segmenter.segment(mp.Image(image_format=mp.ImageFormat.SRGB, data=image))
        mask = np.squeeze(result.category_mask.numpy_view())
    assert (mask == reference.argmax(-1)).mean() > 0.99


def test_detector_with_postprocess_op_follows_keras_and_mediapipe_reads_it(detector, tmp_path):
    image = photo((320, 320))
    outputs = detector.predict(image[None].astype(np.float32), verbose=0)
    expected = detect(outputs["class_logits"], outputs["box_regressions"], anchors_for(detector), 0.01, 0.5, 10)[0]
    labels = [f"class {i}" for i in range(1, 81)]
    path = export_dense(detector, tmp_path / "det.tflite", labels, max_detections=10).path
    runner = LiteRTModel.load(path)
    ops = {op["op_name"] for op in runner.interpreter._get_ops_details()}
    assert "TFLite_Detection_PostProcess" in ops and not any(op.startswith("Flex") for op in ops)
    runner.interpreter.set_tensor(runner.input_details["index"], image[None].astype(np.float32))
    runner.interpreter.invoke()
    # The op's outputs, in its order (the tensors are named ...:0 to ...:3): boxes, classes, scores, count.
    details = sorted(runner.interpreter.get_output_details(), key=lambda d: d["name"].rsplit(":", 1)[-1])
    boxes, classes, scores, count = (runner.interpreter.get_tensor(d["index"]) for d in details)
    assert int(count[0]) == 10
    np.testing.assert_allclose(boxes[0][:, [1, 0, 3, 2]], expected.boxes, atol=1e-4)  # op: (y1, x1, y2, x2)
    np.testing.assert_allclose(scores[0], expected.scores, atol=1e-5)
    np.testing.assert_array_equal(classes[0].astype(int) + 1, expected.classes)  # the op counts without background
    raw = detector_fidelity(detector, path, photos((320, 320)))
    print(f"detector float32: {raw.summary()}")
    # Random weights leave nearly flat scores: the best class is compared where its margin exceeds rounding.
    assert raw.score_sqnr_db > 80 and raw.box_sqnr_db > 80, raw.summary()
    assert raw.clear_top_class_agreement == 1.0 and raw.clear_anchors > 0.5, raw.summary()

    options = vision.ObjectDetectorOptions(base_options=BaseOptions(model_asset_path=str(path)), max_results=3)
    with vision.ObjectDetector.create_from_options(options) as mediapipe_detector:
        found = mediapipe_detector.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=image)).detections
    assert len(found) == 3
    top = found[0]
    assert top.categories[0].category_name == labels[expected.classes[0] - 1]
    box = top.bounding_box
    x1, y1 = expected.boxes[0][:2] * 320
    assert abs(box.origin_x - x1) <= 2 and abs(box.origin_y - y1) <= 2


@pytest.fixture(scope="module")
def conditioned(fashion_classifier):
    """Builds a dense model on the trained Fashion-MNIST backbone, heads' statistics from training images."""

    def build(builder, size: tuple[int, int]):
        keras.utils.set_random_seed(1)
        model = with_trained_backbone(builder(), fashion_classifier[0])
        return reestimate_batchnorm(model, fashion_images(size, 64, "train"))

    return build


def check_int8_report(exported, measure) -> None:
    """The report measured what ``measure(kernels)`` measures, on each CPU kernel set, and the kernel sets agree."""
    report = json.loads(exported.report_path.read_text())
    assert set(exported.fidelity_by_kernels) == set(KERNEL_SETS)
    for kernels, fidelity in exported.fidelity_by_kernels.items():
        assert fidelity == measure(kernels), kernels
        assert report["fidelity_by_kernels"][kernels] == fidelity.as_dict()
    assert exported.fidelity == exported.fidelity_by_kernels["xnnpack"]
    assert exported.kernels.warning() is None, exported.kernels.summary()
    assert report["kernels"]["first_divergent_op"] is None and report["cpu"] == exported.kernels.cpu
    print(exported.kernels.summary())


def test_segmenter_int8_follows_keras_on_every_kernel_set(conditioned, tmp_path):
    model = conditioned(lambda: DeepLabV3MobileViTv2(0.5, classes=21, input_shape=(32, 32, 3)), (32, 32))
    held_out = fashion_images((32, 32), 16)
    exported = export_dense(
        model, tmp_path / "seg8.tflite", [f"class {i}" for i in range(21)], "int8", from_fashion_mnist((32, 32)),
        verify_images=held_out,
    )  # fmt: skip
    check_int8_report(exported, lambda kernels: segmenter_fidelity(model, exported.path, held_out, kernels))
    for kernels, report in exported.fidelity_by_kernels.items():
        print(f"segmenter int8, {kernels}: {report.summary()}")  # pytest -s shows the measured figures
        # Measured on an AMD EPYC (AVX2): 80.9% / 21.2 dB (XNNPACK), 86.6% / 21.1 dB (builtin kernels).
        assert report.pixel_agreement > 0.7 and report.logits_sqnr_db > 15, (kernels, report.summary())
    # The final upsample stays float: LiteRT's builtin int8 resize is not exact (test_kernels.py).
    graph = litert_graph(exported.path.read_bytes())
    assert [op_name(graph, op) for op in graph.subgraphs[0].operators[-2:]] == ["DEQUANTIZE", "RESIZE_BILINEAR"]


def test_detector_int8_follows_keras_on_every_kernel_set_and_mediapipe_reads_it(conditioned, tmp_path):
    model = conditioned(lambda: SSDLiteMobileViTv2(0.5, classes=81, input_shape=(64, 64, 3)), (64, 64))
    held_out = fashion_images((64, 64), 16)
    exported = export_dense(
        model, tmp_path / "det8.tflite", [f"c{i}" for i in range(80)], "int8", from_fashion_mnist((64, 64)),
        verify_images=held_out,
    )  # fmt: skip
    check_int8_report(exported, lambda kernels: detector_fidelity(model, exported.path, held_out, kernels))
    for kernels, report in exported.fidelity_by_kernels.items():
        print(f"detector int8, {kernels}: {report.summary()}")
        # The post-processing op's inputs against Keras, relative to the signal (measured on an AMD EPYC:
        # scores 14.9 / 15.1 dB, boxes 14.5 / 14.6 dB on XNNPACK / builtin; boxes read in the wrong coordinate
        # order give -2.5 dB, a float32 export > 100 dB).
        assert report.score_sqnr_db > 10 and report.box_sqnr_db > 10, (kernels, report.summary())
    image = held_out[0].astype(np.uint8)
    options = vision.ObjectDetectorOptions(base_options=BaseOptions(model_asset_path=str(exported.path)),
                                           max_results=5)  # fmt: skip
    with vision.ObjectDetector.create_from_options(options) as mediapipe_detector:
        found = mediapipe_detector.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=image)).detections
    assert 0 < len(found) <= 5


def test_sqnr():
    signal = np.array([3.0, -4.0])
    assert sqnr_db(signal, signal) == float("inf")
    assert sqnr_db(signal, signal * 1.1) == pytest.approx(20.0)  # noise a tenth of the signal
    with pytest.raises(EdgeError, match="shapes"):
        sqnr_db(signal, signal[:1])


def test_dense_export_bad_inputs(segmenter, detector, tmp_path):
    with pytest.raises(EdgeError, match="21 classes"):
        export_dense(segmenter, tmp_path / "a.tflite", ["x"])
    with pytest.raises(EdgeError, match="besides background"):
        export_dense(detector, tmp_path / "b.tflite", ["x"] * 81)
    with pytest.raises(EdgeError, match=r"must end in \.tflite"):
        export_dense(segmenter, tmp_path / "c.bin", [str(i) for i in range(21)])
    with pytest.raises(EdgeError, match="representative"):
        export_dense(detector, tmp_path / "d.tflite", [str(i) for i in range(80)], "int8")
    assert list(tmp_path.iterdir()) == []


def test_export_dense_command(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    output = tmp_path / "seg.tflite"
    result = subprocess.run(
        [sys.executable, "-m", "keras_mv2.cli", "export-dense", "segmentation", str(output), "--alpha", "0.5",
         "--size", "128"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert LiteRTModel.load(output).output_details["shape"].tolist() == [1, 128, 128, 21]
    assert "fidelity vs Keras on the bundled photos: 4 images: same class on" in result.stdout


def test_int8_report_warns_when_the_kernel_sets_compute_an_op_differently(segmenter, tmp_path, monkeypatch):
    """Without the float resize, LiteRT's builtin int8 kernel upsamples the logits 16x with its 10-bit positions
    (test_kernels.py): on every CPU the report names that op and the summary prints the warning."""
    from edge import dense_export

    monkeypatch.setattr(dense_export, "SEGMENTER_FLOAT_OPS", ())
    images = photos((256, 256)).astype(np.float32)
    exported = export_dense(segmenter, tmp_path / "seg8.tflite", None, "int8", RepresentativeData(images, "photos"))
    divergent = exported.kernels.first_divergent_op
    assert divergent is not None and divergent["op"] == "RESIZE_BILINEAR", exported.kernels.summary()
    assert divergent["max_steps"] > 2  # measured 8 steps on the bundled photos
    assert f"warning: {exported.kernels.warning()}" in exported.summary().splitlines()
    assert json.loads(exported.report_path.read_text())["kernels"]["warning"] == exported.kernels.warning()
