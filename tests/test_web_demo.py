"""The web camera demo in Debian's Chromium (headless, driven by Playwright, no browser download).

A fake camera plays a Y4M video made from the bundled photographs; the page's top-1 must be what LiteRT
in Python gives for those frames. The model is a MobileViTv2-0.5 whose classifier is fitted (ridge
regression on its pooled features) so that each photo has a clear top-1: with random weights the top
classes would sit within rounding noise of each other and any comparison would be luck.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import ROOT, SAMPLES
from playwright.sync_api import sync_playwright

from edge.export import export_classifier
from edge.runtime import LiteRTModel
from edge.serve import load_demo_model, serve_in_background
from keras_mv2.applications import MobileViTv2, class_names, eval_transform

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "test-output" / "web_demo"
SIZE = 256
# Which photo the fitted classifier sends to which ImageNet class (so the page shows readable names).
PHOTO_CLASSES = {"chelsea.jpg": 281, "coffee.jpg": 967}  # tabby, espresso


def rgb_to_yuv420(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BT.601 limited-range Y'CbCr 4:2:0, what Chromium's Y4M reader assumes."""
    rgb = image.astype(np.float64)
    y = 16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255
    cb = 128 + (-37.797 * rgb[..., 0] - 74.203 * rgb[..., 1] + 112.0 * rgb[..., 2]) / 255
    cr = 128 + (112.0 * rgb[..., 0] - 93.786 * rgb[..., 1] - 18.214 * rgb[..., 2]) / 255
    half = [(c.reshape(c.shape[0] // 2, 2, c.shape[1] // 2, 2).mean(axis=(1, 3))) for c in (cb, cr)]
    return tuple(np.clip(np.round(p), 0, 255).astype(np.uint8) for p in (y, *half))


def yuv420_to_rgb(y: np.ndarray, cb: np.ndarray, cr: np.ndarray) -> np.ndarray:
    """The inverse (chroma repeated 2x2): the frame as the browser sees it, within rounding."""
    y = (y.astype(np.float64) - 16) * 255 / 219
    cb = (cb.repeat(2, 0).repeat(2, 1).astype(np.float64) - 128) * 255 / 224
    cr = (cr.repeat(2, 0).repeat(2, 1).astype(np.float64) - 128) * 255 / 224
    rgb = np.stack([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], axis=-1)
    return np.clip(rgb, 0, 255).astype(np.float32)


def write_y4m(path: Path, frames: list[np.ndarray], fps: int = 10) -> Path:
    height, width = frames[0].shape[:2]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            out.write(b"FRAME\n")
            for plane in rgb_to_yuv420(frame):
                out.write(plane.tobytes())
    return path


def fitted_classifier() -> keras.Model:
    """MobileViTv2-0.5 (Keras initialisation) with its classifier fitted to the demo photos."""
    keras.utils.set_random_seed(7)
    model = MobileViTv2(0.5, input_shape=(SIZE, SIZE, 3))
    backbone = keras.Model(model.input, model.get_layer("global_pool").output)
    photos = np.stack([eval_transform(SAMPLES / name, SIZE) for name in PHOTO_CLASSES])
    rng = np.random.default_rng(0)
    # Variants (mirror, brightness, noise) so the fit does not hinge on exact pixel values.
    variants = [photos, photos[:, :, ::-1], photos * 0.85, np.clip(photos * 1.15, 0, 255)]
    variants += [np.clip(photos + rng.normal(0, 6, photos.shape), 0, 255) for _ in range(2)]
    features = backbone.predict(np.concatenate(variants).astype(np.float32), verbose=0)
    targets = np.full((len(features), 1000), -4.0)
    for row, class_index in enumerate(list(PHOTO_CLASSES.values()) * len(variants)):
        targets[row, class_index] = 4.0
    design = np.concatenate([features, np.ones((len(features), 1))], axis=1)
    solution = np.linalg.solve(design.T @ design + 1e-2 * np.eye(design.shape[1]), design.T @ targets)
    model.get_layer("classifier").set_weights([solution[:-1].astype(np.float32), solution[-1].astype(np.float32)])
    return model


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web_demo")
    model = fitted_classifier()
    model_path = export_classifier(model, folder / "demo.tflite").path
    frames = {name: eval_transform(SAMPLES / name, SIZE) for name in PHOTO_CLASSES}
    video = write_y4m(folder / "camera.y4m", [frames[name] for name in PHOTO_CLASSES for _ in range(15)])
    server, url = serve_in_background(model_path)
    yield {"model": model_path, "frames": frames, "video": video, "url": url, "folder": folder}
    server.shutdown()
    server.server_close()


def launch(playwright, *arguments: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", *arguments])


def wait_for(page, expression: str, timeout_s: float = 90) -> None:
    page.wait_for_function(expression, timeout=timeout_s * 1000)


def test_live_camera_matches_litert(demo):
    labels = class_names("imagenet", 1000)
    runner = LiteRTModel.load(demo["model"])
    # What LiteRT in Python says for the frames as the browser decodes them (YUV 4:2:0 round trip).
    expected = set()
    for name, frame in demo["frames"].items():
        decoded = yuv420_to_rgb(*rgb_to_yuv420(frame))
        top1 = int(np.argmax(runner(decoded[None])[0]))
        assert top1 == int(np.argmax(runner(frame[None])[0])) == PHOTO_CLASSES[name]
        expected.add(labels[top1])

    with sync_playwright() as playwright:
        browser = launch(
            playwright,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={demo['video']}",
        )
        page = browser.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(demo["url"])
        wait_for(page, "window.demo && (window.demo.state === 'camera' || window.demo.state === 'error')")
        assert page.evaluate("window.demo.state") == "camera", (page.evaluate("window.demo.error"), console)
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and seen != expected:
            top = page.evaluate("window.demo.top")
            if top:
                seen.add(top[0]["label"])
            page.wait_for_timeout(100)
        shown = page.locator("#results li").first.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "live_camera.png"))
        frames = page.evaluate("window.demo.frames")
        latency = page.evaluate("window.demo.latencyMs")
        browser.close()
    assert seen == expected, f"page showed {seen}, LiteRT gives {expected}"
    assert frames > 5 and latency > 0
    assert any(label in shown for label in expected) and "%" in shown


def test_picture_fallback_matches_litert(demo):
    labels = class_names("imagenet", 1000)
    runner = LiteRTModel.load(demo["model"])
    picture = SAMPLES / "coffee.jpg"
    expected = labels[int(np.argmax(runner(eval_transform(picture, SIZE)[None])[0]))]
    with sync_playwright() as playwright:
        browser = launch(playwright)  # no fake camera and no permission: the camera path fails first
        page = browser.new_page()
        page.goto(demo["url"])
        wait_for(page, "window.demo && window.demo.state !== 'loading'")
        page.set_input_files("#file", str(picture))
        wait_for(page, "window.demo.state === 'still' && window.demo.top.length > 0")
        top1 = page.evaluate("window.demo.top[0].label")
        browser.close()
    assert top1 == expected


def test_denied_camera_shows_its_message(demo):
    with sync_playwright() as playwright:
        browser = launch(playwright, "--use-fake-device-for-media-stream")
        context = browser.new_context(permissions=[])  # camera permission refused
        page = context.new_page()
        page.goto(demo["url"])
        wait_for(page, "window.demo && window.demo.state !== 'loading'")
        state = page.evaluate("window.demo.state")
        message = page.locator("#camera-message")
        text = message.inner_text() if message.is_visible() else ""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "camera_denied.png"))
        browser.close()
    assert state == "denied"
    assert "Camera access was denied" in text


def test_server_refuses_bad_models(tmp_path):
    from edge import EdgeError, convert

    with pytest.raises(EdgeError, match=r"no such \.tflite"):
        load_demo_model(tmp_path / "missing.tflite")
    inputs = keras.Input((8, 8, 3), batch_size=1)
    bare = convert(keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Flatten()(inputs)))).flatbuffer
    (tmp_path / "bare.tflite").write_bytes(bare)
    with pytest.raises(EdgeError, match="no image-classifier metadata"):
        load_demo_model(tmp_path / "bare.tflite")
    (tmp_path / "text.tflite").write_text("not a model")
    with pytest.raises(EdgeError):
        load_demo_model(tmp_path / "text.tflite")
