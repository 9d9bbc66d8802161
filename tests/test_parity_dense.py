"""DeepLabv3 and SSDLite on MobileViTv2 against the outputs of Apple's ml-cvnets (fixtures/cvnets-dense).

The fixtures were computed in float32 and carry float32 rounding of their own. test_parity_float64.py,
beside this file, runs the same models in float64, agrees with Apple's float64 outputs within 1e-9
(measured <= 5e-12), and prints how far Apple's float32 outputs are from those exact values: 1.9e-4
(512x512) and 1.0e-4 (256x384) on DeepLabv3's logits (which reach ~11); 8.7e-4 (320x320) and 5.0e-4
(256x384) on the class logits of SSD's stride-256 level (which reach 180), at most 5.5e-5 on the other
levels. Where the reference itself is further than 1e-4 from the exact output, even an exact port run in
float32 cannot be held to 1e-4 absolute, hence:

- SSDLite: within 1e-4 absolute on every anchor level but one. In this random checkpoint the
  stride-256 head starts with a BatchNorm channel of running variance 1.7e-5, which multiplies
  rounding ~190-fold; its logits reach 180. That level is held to 1e-4 times its scale, and the
  test checks that the premise (such a channel there and nowhere else) still holds.
- DeepLabv3: 1e-4 times the output scale (max |reference|, at least 1).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import CVNETS_DENSE

from keras_mv2.applications import DeepLabV3MobileViTv2, SSDLiteMobileViTv2, anchors_for
from keras_mv2.weights import CheckpointError

DEEPLAB = CVNETS_DENSE / "cvnets-deeplabv3-voc-mobilevitv2-0.5-random.pt"
SSD = CVNETS_DENSE / "cvnets-ssdlite-coco-mobilevitv2-0.5-random.pt"


def fixture_io(name: str) -> dict[str, np.ndarray]:
    path = CVNETS_DENSE / name
    if not path.is_file():
        pytest.fail(f"Apple's dense-task fixtures are missing: expected {path}")
    with np.load(path) as data:
        out = {key: data[key] for key in data.files}
    out["images"] = out.pop("image_nchw_uint8").transpose(0, 2, 3, 1).astype("float32")
    return out


def assert_close(actual: np.ndarray, expected: np.ndarray) -> float:
    scale = max(1.0, float(np.abs(expected).max()))
    error = float(np.abs(actual - expected).max())
    assert error <= 1e-4 * scale, f"max |error| {error:.3g} > 1e-4 x scale {scale:.3g}"
    return error


@pytest.mark.parametrize("size", ["512x512", "256x384"])
def test_deeplabv3_matches_ml_cvnets(size):
    io = fixture_io(f"cvnets-deeplabv3-voc-mobilevitv2-0.5-io-{size}.npz")
    height, width = map(int, size.split("x"))
    model = DeepLabV3MobileViTv2(
        0.5, classes=21, output_stride=16, weights=str(DEEPLAB), input_shape=(height, width, 3)
    )
    logits = model.predict(io["images"], verbose=0)
    assert logits.shape == (2, height, width, 21) and tuple(io["output_shape"]) == (2, 21, height, width)
    error = assert_close(logits[:, ::8, ::8, :].transpose(0, 3, 1, 2), io["output_every_8th_pixel"])
    print(f"DeepLabv3 {size}: max |error| {error:.2e}")  # pytest -s shows the measured figures
    assert np.abs(io["output_every_8th_pixel"][0] - io["output_every_8th_pixel"][1]).max() > 0.1  # input matters


# Below this running variance (eps 1e-5) a BatchNorm channel amplifies float32 rounding ~100-fold or more.
ILL_CONDITIONED_VARIANCE = 1e-4


def anchor_levels(model) -> list[slice]:
    """The anchor rows of each SSD head, in output order."""
    sizes = [layer.output.shape[1] for layer in model.layers if layer.name.endswith("_flatten")]
    bounds = np.cumsum([0, *sizes])
    return [slice(start, stop) for start, stop in itertools.pairwise(bounds)]


@pytest.mark.parametrize(("size", "anchors"), [("320x320", 3232), ("256x384", 3076)])
def test_ssdlite_matches_ml_cvnets(size, anchors):
    io = fixture_io(f"cvnets-ssdlite-coco-mobilevitv2-0.5-io-{size}.npz")
    height, width = map(int, size.split("x"))
    model = SSDLiteMobileViTv2(0.5, classes=80, weights=str(SSD), input_shape=(height, width, 3))
    outputs = model.predict(io["images"], verbose=0)
    assert outputs["class_logits"].shape == (2, anchors, 80)
    np.testing.assert_array_equal(anchors_for(model), io["anchors_cxcywh"][0])
    levels = anchor_levels(model)
    assert len(levels) == 6 and levels[-1].stop == anchors
    for index, level in enumerate(levels):
        head_norm = getattr(model.get_layer(f"ssd_head_{index}_dw"), "norm", None) if index < 5 else None
        ill_conditioned = index == 4
        assert ill_conditioned == (
            head_norm is not None and float(np.min(head_norm.moving_variance)) < ILL_CONDITIONED_VARIANCE
        ), f"level {index}: the exemption no longer matches the checkpoint"
        for key in ("class_logits", "box_regressions"):
            actual, expected = outputs[key][:, level], io[key][:, level]
            error = float(np.abs(actual - expected).max())
            scale = float(np.abs(expected).max())
            print(f"SSD {size} level {index} {key}: max |error| {error:.2e} (max |reference| {scale:.1f})")
            if ill_conditioned:
                assert_close(actual, expected)
            else:
                assert error <= 1e-4, f"level {index} {key}: max |error| {error:.3g} > 1e-4"


def test_auxiliary_head_loads_and_output_stride_8_builds():
    model = DeepLabV3MobileViTv2(0.5, classes=21, aux_head=True, weights=str(DEEPLAB), input_shape=(256, 256, 3))
    logits, aux = model.predict(np.zeros((1, 256, 256, 3), "float32"), verbose=0)
    assert logits.shape == aux.shape == (1, 256, 256, 21)
    os8 = DeepLabV3MobileViTv2(0.5, classes=21, output_stride=8, aspp_rates=(12, 24, 36), input_shape=(128, 128, 3))
    assert os8.get_layer("aspp").input.shape[1:3] == (16, 16)


def test_dense_checkpoints_are_checked():
    with pytest.raises(CheckpointError, match="classes=80"):  # the head says what it was trained for
        SSDLiteMobileViTv2(0.5, classes=81, weights=str(SSD), input_shape=(320, 320, 3))
    with pytest.raises(CheckpointError, match=r"not an ml-cvnets DeepLabv3 \(segmentation\) checkpoint"):
        DeepLabV3MobileViTv2(0.5, weights=str(SSD), input_shape=(256, 256, 3))
    with pytest.raises(CheckpointError, match="classification checkpoint"):
        DeepLabV3MobileViTv2(0.5, weights=str(CVNETS_DENSE.parent / "cvnets" / "cvnets-mobilevitv2-0.5-random.pt"))
    with pytest.raises(CheckpointError, match="does not fit"):  # another width
        SSDLiteMobileViTv2(0.75, classes=80, weights=str(SSD), input_shape=(320, 320, 3))
    offline = r"deeplabv3-mobilevitv2-0\.5\.pt: download failed.*KERAS_MV2_DENSE_WEIGHTS_URL"
    with pytest.raises(CheckpointError, match=offline):
        DeepLabV3MobileViTv2(0.5, weights="pascalvoc-deeplabv3", input_shape=(256, 256, 3))


def test_box_decoding_and_suppression():
    from keras_mv2.applications.ssd_decode import decode_boxes, detect

    anchors = np.array([[0.5, 0.5, 0.2, 0.4], [0.52, 0.5, 0.2, 0.4], [0.1, 0.1, 0.1, 0.1]], np.float32)
    regressions = np.zeros((1, 3, 4), np.float32)
    regressions[0, 0] = [1.0, -1.0, np.log(2) / 0.2, 0.0]  # shift by 0.1 * size, double the width
    corners = decode_boxes(regressions, anchors)[0]
    np.testing.assert_allclose(corners[0], [0.52 - 0.2, 0.46 - 0.2, 0.52 + 0.2, 0.46 + 0.2], atol=1e-6)
    np.testing.assert_allclose(corners[2], [0.05, 0.05, 0.15, 0.15], atol=1e-6)
    logits = np.full((1, 3, 3), -10.0, np.float32)
    logits[0, 0, 1], logits[0, 1, 1], logits[0, 2, 2] = 5.0, 4.0, 3.0  # two overlapping class-1 boxes, one class 2
    logits[0, :, 0] = 0.0  # background
    found = detect(logits, np.zeros((1, 3, 4), np.float32), anchors, score_threshold=0.5)[0]
    assert list(found.classes) == [1, 2]  # the weaker overlapping class-1 box is suppressed
    assert found.scores[0] > found.scores[1] > 0.5


def test_segment_and_detect_commands_write_pngs(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT, SAMPLES

    for command, weights, extra in (
        ("segment", DEEPLAB, ["--size", "256"]),
        ("detect", SSD, ["--classes", "80", "--threshold", "0.5"]),
    ):
        output = tmp_path / f"{command}.png"
        result = subprocess.run(
            [sys.executable, "-m", "keras_mv2.cli", command, str(SAMPLES / "chelsea.jpg"), "--alpha", "0.5",
             "--weights", str(weights), "--output", str(output), *extra],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"wrote {output}" in result.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "keras_mv2.cli", "segment", str(tmp_path / "nope.jpg"), "--alpha", "0.5",
         "--weights", str(DEEPLAB), "--size", "256", "--output", str(tmp_path / "x.png")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert missing.returncode == 2 and "no such image file" in missing.stderr
    assert not (tmp_path / "x.png").exists()
