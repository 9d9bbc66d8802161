"""ImageNet helpers: class names (bundled), input preprocessing, the reference evaluation transform."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np

from keras_mv2.utils import load_image
from keras_mv2.utils.images import image_to_rgb, pixel_limit

# ml-cvnets evaluates at 256 after resizing the short side to 288: the crop keeps 256/288 of it.
EVAL_RESIZE_RATIO = 288 / 256


@functools.cache
def imagenet_classes() -> tuple[tuple[str, str], ...]:
    """The 1000 ImageNet-1k classes in output order, as ``(wordnet_id, name)`` (name: first lemma)."""
    text = resources.files("keras_mv2.applications").joinpath("imagenet_classes.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return tuple((wnid, lemmas.split(",")[0].strip()) for wnid, lemmas in rows)


def decode_predictions(preds, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """Decode a ``(batch, 1000)`` array of scores into ``(wordnet_id, name, score)``, best first.

    Works on probabilities or logits alike (the order is the same).
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(f"decode_predictions expects a (batch, 1000) array, got shape {preds.shape}")
    classes = imagenet_classes()
    results = []
    for row in preds:
        best = np.argsort(-row, kind="stable")[:top]
        results.append([(*classes[i], float(row[i])) for i in best])
    return results


def preprocess_input(x, data_format=None):
    """A pass-through, as for ``keras.applications.MobileNetV3``: the model rescales its input itself.

    Models built with ``include_preprocessing=True`` (the default) take RGB values in [0, 255]; those
    built with ``False`` take ``x / 255``. No mean/std normalisation is used by MobileViTv2.
    """
    del data_format
    return x


# The largest resized picture eval_transform makes before cropping (64 MB in Pillow's RGB).
_MAX_CANVAS = 16_000_000


def eval_transform(image, size: int | tuple[int, int] = 256) -> np.ndarray:
    """The reference evaluation transform: bicubic resize of the short side to ``size * 288/256``
    (288 for 256), then a centre crop to ``size``. Takes a path, a PIL image or an HWC RGB array
    (uint8, or any type holding values in [0, 255]); returns ``(size, size, 3)`` float32 RGB in
    [0, 255], ready for a model with preprocessing."""
    from PIL import Image

    if isinstance(image, (str, Path)):
        image = load_image(image)
    elif isinstance(image, Image.Image):
        image = image_to_rgb(image)  # the same conversion as for files (16-bit, alpha, palette)
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array, got shape {image.shape}")
    if image.dtype != np.uint8:  # a plain cast would wrap 16-bit values around (256 -> 0)
        if image.size and not (np.isfinite(image).all() and image.min() >= 0 and image.max() <= 255):
            raise ValueError(f"expected RGB values in [0, 255], got [{image.min()}, {image.max()}] ({image.dtype})")
        image = np.round(image).astype(np.uint8)
    crop_h, crop_w = (size, size) if isinstance(size, int) else size
    if crop_h * crop_w > pixel_limit():
        raise ValueError(f"an output of {crop_w}x{crop_h} pixels is more than the {pixel_limit()} allowed")
    image = Image.fromarray(image)
    short = round(min(crop_h, crop_w) * EVAL_RESIZE_RATIO)
    width, height = image.size
    scale = short / min(width, height)
    new_w, new_h = max(crop_w, round(width * scale)), max(crop_h, round(height * scale))
    left, top = (new_w - crop_w) // 2, (new_h - crop_h) // 2
    if new_w * new_h <= _MAX_CANVAS:  # an ordinary picture: resize, then crop
        image = image.resize((new_w, new_h), Image.Resampling.BICUBIC)
        return np.asarray(image.crop((left, top, left + crop_w, top + crop_h)), dtype=np.float32)
    # An extreme aspect ratio (100000 x 1 asked for 33 GB): only the crop is computed, with Pillow's box (the
    # same kernel; its two passes round differently, by up to a few levels).
    box = (left * width / new_w, top * height / new_h, (left + crop_w) * width / new_w, (top + crop_h) * height / new_h)
    return np.asarray(image.resize((crop_w, crop_h), Image.Resampling.BICUBIC, box=box), dtype=np.float32)
