"""Calibration images for full-integer quantisation: a folder of photos, or generated images."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge.errors import EdgeError
from keras_mv2.utils import IMAGE_SUFFIXES


@dataclass
class RepresentativeData:
    """Images ``(N, H, W, 3)`` float32 in [0, 255] and a sentence saying where they came from."""

    images: np.ndarray
    source: str

    def dataset(self, input_dtype=np.float32, scale: float = 1.0) -> Callable[[], Iterator[list[np.ndarray]]]:
        """The generator the TFLite converter calls; ``scale`` maps [0, 255] to the model's input range."""

        def generate():
            for image in self.images:
                yield [(image[None] * scale).astype(input_dtype)]

        return generate


def from_folder(folder: str | Path, size: tuple[int, int], limit: int = 100) -> RepresentativeData:
    """Read up to ``limit`` images (sorted by name, searched recursively) with the evaluation transform.

    Raises:
        EdgeError: no such folder, no images in it, or a file with an image suffix that cannot be read.
    """
    from keras_mv2.applications import eval_transform

    folder = Path(folder)
    if not folder.is_dir():
        raise EdgeError(f"{folder}: representative data folder does not exist")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
    if not files:
        raise EdgeError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))}) for the representative data set")
    images = []
    for path in files:
        try:
            images.append(eval_transform(path, size))
        except ValueError as error:
            raise EdgeError(f"representative data set: {error}") from None
    return RepresentativeData(np.stack(images), f"{len(files)} images from {folder}")


def generated(size: tuple[int, int], count: int = 32, seed: int = 0) -> RepresentativeData:
    """Synthetic calibration images (smooth colour fields, edges and noise) when no photos are given.

    Quantisation ranges then reflect these images, not real photographs: prefer a folder of real images.
    """
    rng = np.random.default_rng(seed)
    height, width = size
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    images = []
    for _ in range(count):
        base = rng.uniform(0, 255, 3)
        slope = rng.normal(0, 1.0, (2, 3))
        field = base + (yy[..., None] - height / 2) * slope[0] + (xx[..., None] - width / 2) * slope[1]
        blocks = rng.uniform(-60, 60, (height // 16 + 1, width // 16 + 1, 3)).repeat(16, 0).repeat(16, 1)
        image = field + blocks[:height, :width] + rng.normal(0, 12, (height, width, 3))
        images.append(np.clip(image, 0, 255))
    return RepresentativeData(
        np.stack(images).astype(np.float32), f"{count} generated images (no representative folder was given)"
    )
