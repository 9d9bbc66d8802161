"""Small real data sets for examples and tests, written as image folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_digits(folder: str | Path, size: int = 64, limit_per_class: int | None = None) -> Path:
    """scikit-learn's bundled handwritten digits (1,797 8x8 scans, 10 classes) as ``folder/<digit>/<n>.png``.

    Upscaled to ``size`` (bicubic) and made RGB. Needs scikit-learn (the ``train`` extra).
    """
    from PIL import Image

    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("the digits example needs scikit-learn: pip install -e .[train]") from None
    digits = load_digits()
    folder = Path(folder)
    counts: dict[int, int] = {}
    for image, label in zip(digits.images, digits.target, strict=True):
        label = int(label)
        if limit_per_class is not None and counts.get(label, 0) >= limit_per_class:
            continue
        counts[label] = counts.get(label, 0) + 1
        pixels = np.uint8(np.clip(image / 16.0 * 255.0, 0, 255))
        picture = Image.fromarray(pixels).resize((size, size), Image.BICUBIC).convert("RGB")
        target = folder / str(label) / f"{counts[label]:04d}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        picture.save(target)
    return folder
