"""Reading image files: the one decoder used for classification, calibration, demos and data scans."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# What both Pillow (here) and TensorFlow's decode_image (the training pipeline) can read.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"})


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as an ``(H, W, 3)`` uint8 RGB array, EXIF rotation applied.

    Raises:
        FileNotFoundError: no such file. ValueError: the file is not a readable image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such image file")
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"{path}: not a readable image ({error})") from None
