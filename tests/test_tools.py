"""Command-line tools and ImageNet helpers: convert_weights.py, mv2 demo, decode/eval transform, style."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, SAMPLES, checkpoint, reference_io

from keras_mv2.applications import MobileViTv2, decode_predictions, eval_transform, load_image

ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def run(*args, timeout=600):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout)


def test_convert_weights_script(tmp_path):
    output = tmp_path / "mv2-0.75.weights.h5"
    result = run("scripts/convert_weights.py", str(checkpoint("0.75")), str(output))
    assert result.returncode == 0, result.stderr[-2000:]
    model = MobileViTv2(0.75, weights=str(output), classifier_activation=None)
    reference = reference_io("0.75", "256x256")
    np.testing.assert_allclose(model.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)


def test_convert_weights_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage")
    result = run("scripts/convert_weights.py", str(bad), str(tmp_path / "out.weights.h5"))
    assert result.returncode == 2
    assert "bad.pt: not a PyTorch zip checkpoint" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.pt"]


def test_demo_prints_top5_and_timings():
    result = run("-m", "keras_mv2.cli", "demo", "--weights", str(checkpoint("0.5")), "--alpha", "0.5")
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("astronaut.jpg", "chelsea.jpg", "coffee.jpg", "rocket.jpg"):
        assert name in result.stdout
    assert "latency batch 1: median" in result.stdout
    assert result.stdout.count("  5. ") == 4


def test_demo_reports_a_bad_image(tmp_path):
    (tmp_path / "notes.jpg").write_text("not an image")
    result = run(
        "-m",
        "keras_mv2.cli",
        "demo",
        "--weights",
        str(checkpoint("0.5")),
        "--alpha",
        "0.5",
        str(tmp_path / "notes.jpg"),
    )
    assert result.returncode == 2 and "notes.jpg: not a readable image" in result.stderr


def test_decode_predictions_uses_the_bundled_imagenet_names():
    scores = np.zeros((2, 1000), "float32")
    scores[0, 281], scores[0, 282] = 0.9, 0.1  # ImageNet indices 281/282: tabby, tiger cat
    scores[1, 0] = 1.0  # index 0: tench
    decoded = decode_predictions(scores, top=2)
    assert decoded[0][0][:2] == ("n02123045", "tabby") and decoded[0][1][:2] == ("n02123159", "tiger cat")
    assert decoded[1][0][:2] == ("n01440764", "tench")
    with pytest.raises(ValueError, match=r"\(batch, 1000\)"):
        decode_predictions(np.zeros((1, 10)))


def test_eval_transform_is_resize_288_then_centre_crop_256():
    from PIL import Image

    rng = np.random.default_rng(0)
    exact = rng.integers(0, 255, (288, 400, 3), dtype=np.uint8)  # short side already 288: a pure crop
    np.testing.assert_array_equal(eval_transform(exact, 256), exact[16:272, 72:328].astype("float32"))
    photo = eval_transform(SAMPLES / "chelsea.jpg", 256)  # 451 x 300: resized to 433 x 288, then cropped
    expected = np.asarray(
        Image.open(SAMPLES / "chelsea.jpg").convert("RGB").resize((433, 288), Image.Resampling.BICUBIC)
    )
    np.testing.assert_array_equal(photo, expected[16:272, 88:344].astype("float32"))


def test_load_image_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such image"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ValueError, match="not a readable image"):
        load_image(tmp_path / "empty.png")


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
