"""Small real data sets for examples and tests, written as image folders."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_digits(
    folder: str | Path, size: int = 64, limit_per_class: int | None = None, validation_fraction: float = 0.0
) -> Path:
    """scikit-learn's bundled handwritten digits (1,797 8x8 scans, 10 classes) as ``folder/<digit>/<n>.png``.

    Upscaled to ``size`` (bicubic) and made RGB. With ``validation_fraction`` the images are split (every
    k-th image per class) into ``folder/train/<digit>`` and ``folder/val/<digit>``. Needs scikit-learn.
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
        part = ""
        if validation_fraction > 0:
            every = max(2, round(1 / validation_fraction))
            part = "val" if counts[label] % every == 0 else "train"
        target = folder / part / str(label) / f"{counts[label]:04d}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        picture.save(target)
    return folder
