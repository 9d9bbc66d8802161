"""Shared fixtures: Apple's reference outputs from ../shared, an isolated weights cache, helpers."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KERAS_MV2_SHARED", ROOT.parent / "shared"))
CVNETS = SHARED / "fixtures" / "cvnets"
CVNETS_DENSE = SHARED / "fixtures" / "cvnets-dense"
WIDTHS = ("0.5", "0.75", "1.0")
SIZES = ("256x256", "384x384", "224x224", "200x320")
SAMPLES = ROOT / "keras_mv2" / "samples"


def require_fixtures() -> Path:
    if not (CVNETS / "manifest.json").is_file():
        pytest.fail(
            f"Apple's reference fixtures are missing: expected {CVNETS}/manifest.json "
            "(the repository's sibling folder shared/, or set KERAS_MV2_SHARED)"
        )
    return CVNETS


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((require_fixtures() / "manifest.json").read_text())


def checkpoint(alpha: str) -> Path:
    return require_fixtures() / f"cvnets-mobilevitv2-{alpha}-random.pt"


def reference_io(alpha: str, size: str) -> dict[str, np.ndarray]:
    """Images as NHWC float32 in [0, 255] and Apple's outputs, stage maps as NHWC."""
    with np.load(require_fixtures() / f"cvnets-mobilevitv2-{alpha}-io-{size}.npz") as data:
        out = {k: data[k] for k in data.files}
    out["images"] = out.pop("image_nchw_uint8").transpose(0, 2, 3, 1).astype("float32")
    for key in [k for k in out if k.endswith("_nchw")]:
        out[key.replace("_nchw", "")] = out.pop(key).transpose(0, 2, 3, 1)
    return out


def size_of(size: str) -> tuple[int, int]:
    height, width = size.split("x")
    return int(height), int(width)


@pytest.fixture(autouse=True)
def isolated_weights_cache(tmp_path, monkeypatch):
    """No test touches ~/.keras or the network: an empty cache and an address nothing listens on."""
    monkeypatch.setenv("KERAS_MV2_CACHE_DIR", str(tmp_path / "weights-cache"))
    monkeypatch.setenv("KERAS_MV2_WEIGHTS_URL", "http://127.0.0.1:9/unreachable/")
    monkeypatch.setenv("KERAS_MV2_DENSE_WEIGHTS_URL", "http://127.0.0.1:9/unreachable/")


@pytest.fixture(scope="session")
def fashion_classifier(tmp_path_factory) -> tuple[Path, dict]:
    """MobileViTv2-0.5 at 32x32 trained briefly (3 epochs) on 6,000 Fashion-MNIST images: its ``model.keras`` and
    the training summary. The int8 tests share it: its weights have the activations of a trained network."""
    from keras_mv2.training import TrainConfig, train

    output = tmp_path_factory.mktemp("fashion")
    summary = train(
        TrainConfig(
            data="fashion-mnist", output_dir=str(output), alpha=0.5, image_size=32, batch_size=64, epochs=3,
            train_limit=6000, recipe_overrides={"learning_rate": 0.003, "mixup_alpha": 0.0, "cutmix_alpha": 0.0,
                                                "randaugment": False, "random_erasing": 0.0},
        ),
        progress=0,
    )  # fmt: skip
    return output / "model.keras", summary


def fashion_images(size: tuple[int, int], count: int, split: str = "test", start: int = 0) -> np.ndarray:
    """Fashion-MNIST images ``[start, start + count)`` of ``split`` made RGB, with the evaluation transform (as
    calibration and ``mv2 evaluate`` see them): ``(count, H, W, 3)`` float32 in [0, 255]."""
    from keras_mv2.applications import eval_transform
    from keras_mv2.training import read_fashion_mnist

    images, _ = read_fashion_mnist(split)
    chosen = images[start : start + count]
    return np.stack([eval_transform(np.repeat(image[..., None], 3, axis=-1), size) for image in chosen])


def with_trained_backbone(model, classifier_file: Path):
    """``model`` (DeepLabv3 or SSDLite on MobileViTv2-0.5) with the backbone layers of a trained classifier.

    The heads keep their initial weights; call ``reestimate_batchnorm`` afterwards so their statistics fit.
    """
    import keras

    import keras_mv2.layers  # noqa: F401 - registers the layers of the saved model

    trained = {layer.name: layer for layer in keras.models.load_model(classifier_file).layers}
    moved = 0
    for layer in model.layers:
        source = trained.get(layer.name)
        if (
            source is not None
            and layer.weights
            and [w.shape for w in layer.weights] == [w.shape for w in source.weights]
        ):
            layer.set_weights(source.get_weights())
            moved += 1
    assert moved >= 6, f"only {moved} backbone layers matched"  # conv_1, layer_1 ... layer_5
    return model
