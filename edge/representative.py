"""Calibration images for full-integer quantisation: photos drawn from a folder, or generated images.

Quantisation ranges are set by what the calibration images make the network do, so they must look like
what the model will see: every class, not the first hundred files of a sorted listing (in a class-folder
tree that is one class).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge.errors import EdgeError
from keras_mv2.applications import eval_transform
from keras_mv2.training import read_fashion_mnist
from keras_mv2.training.fashion_mnist import NAME as FASHION_MNIST
from keras_mv2.utils import IMAGE_SUFFIXES

DEFAULT_COUNT = 200  # TFLite's guidance is a few hundred; more changes int8 ranges little and costs time


@dataclass
class RepresentativeData:
    """Images ``(N, H, W, 3)`` float32 in [0, 255], a sentence saying where they came from, and from how
    many sub-folders (``None`` for generated images)."""

    images: np.ndarray
    source: str
    folders: int | None = None

    def coverage(self) -> dict:
        """What the export report says about the calibration set."""
        return {"source": self.source, "images": len(self.images), "folders": self.folders}

    def dataset(self, input_dtype=np.float32, scale: float = 1.0) -> Callable[[], Iterator[list[np.ndarray]]]:
        """The generator the TFLite converter calls; ``scale`` maps [0, 255] to the model's input range."""

        def generate():
            for image in self.images:
                yield [(image[None] * scale).astype(input_dtype)]

        return generate


def spread_sample(files: list[Path], root: Path, count: int, seed: int = 0) -> list[Path]:
    """Up to ``count`` of ``files``, drawn evenly over their sub-folders of ``root`` (in turn, each folder's
    files in a seeded random order), so every class of a class-folder tree is represented."""
    groups: dict[Path, list[Path]] = {}
    for path in files:
        groups.setdefault(path.parent.relative_to(root), []).append(path)
    rng = np.random.default_rng(seed)
    queues = [[group[i] for i in rng.permutation(len(group))] for _, group in sorted(groups.items())]
    chosen: list[Path] = []
    while len(chosen) < count and any(queues):
        for queue in [queues[i] for i in rng.permutation(len(queues))]:
            if queue and len(chosen) < count:
                chosen.append(queue.pop())
    return chosen


def from_folder(folder: str | Path, size: tuple[int, int], count: int = DEFAULT_COUNT, seed: int = 0,
                progress: bool = True) -> RepresentativeData:  # fmt: skip
    """Up to ``count`` images of ``folder`` (searched recursively), drawn evenly over its sub-folders with a
    seeded generator (exports repeat), read with the evaluation transform.

    Raises:
        EdgeError: no such folder, no images in it, or a file with an image suffix that cannot be read.
    """
    from tqdm.auto import tqdm

    folder = Path(folder)
    if not folder.is_dir():
        raise EdgeError(f"{folder}: representative data folder does not exist")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise EdgeError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))}) for the representative data set")
    chosen = spread_sample(files, folder, count, seed)
    images = []
    for path in tqdm(chosen, desc="calibration images", unit="img", disable=not progress or len(chosen) < 50):
        try:
            images.append(eval_transform(path, size))
        except ValueError as error:
            raise EdgeError(f"representative data set: {error}") from None
    folders = len({path.parent for path in chosen})
    where = f"{folders} sub-folder{'s' if folders > 1 else ''} of {folder}" if folders > 1 else str(folder)
    return RepresentativeData(np.stack(images), f"{len(chosen)} images from {where}", folders)


def from_fashion_mnist(size: tuple[int, int], count: int = DEFAULT_COUNT, seed: int = 0) -> RepresentativeData:
    """``count`` Fashion-MNIST training images (grey made RGB), the same number from each class, seeded."""
    images, labels = read_fashion_mnist("train")
    rng = np.random.default_rng(seed)
    per_class = [rng.permutation(np.flatnonzero(labels == label)) for label in range(int(labels.max()) + 1)]
    chosen = np.stack(per_class, axis=1).reshape(-1)[:count]  # class by class in turn
    pictures = [eval_transform(np.repeat(images[i][..., None], 3, axis=-1), size) for i in chosen]
    classes = len({int(labels[i]) for i in chosen})
    return RepresentativeData(np.stack(pictures), f"{len(chosen)} Fashion-MNIST training images of {classes} classes",
                              classes)  # fmt: skip


def calibration_data(
    source: str | Path | None, size: tuple[int, int], count: int = DEFAULT_COUNT
) -> RepresentativeData:
    """Calibration images from ``fashion-mnist``, a folder (see :func:`from_folder`), or generated ones."""
    if source is None:
        return generated(size)
    if str(source) == FASHION_MNIST:
        return from_fashion_mnist(size, count)
    return from_folder(source, size, count)


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
