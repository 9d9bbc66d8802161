"""Fashion-MNIST (Xiao, Rasul & Vollgraf, arXiv 1708.07747) from Debian's ``dataset-fashion-mnist`` package.

70,000 grey 28x28 images of 10 clothing classes in the original IDX files (gzip): the standard split of
60,000 training and 10,000 test images. Read with the standard library and NumPy; each file's header
(magic number, counts, sizes) and length are checked, so a truncated or foreign file is a clear error.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from keras_mv2.training.data import DatasetError, SplitData

NAME = "fashion-mnist"
DEFAULT_ROOT = Path("/usr/share/datasets/fashion-mnist")
ROOT_ENV = "KERAS_MV2_FASHION_MNIST"  # another folder holding the four files
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]  # fmt: skip
_FILES = {"train": "train", "test": "t10k"}
_COUNTS = {"train": 60_000, "test": 10_000}


def root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


def _read_idx(path: Path, magic: int, dims: int) -> np.ndarray:
    if not path.is_file():
        raise DatasetError(
            f"{path}: missing. Fashion-MNIST comes from Debian's package dataset-fashion-mnist "
            f"(sudo apt-get install dataset-fashion-mnist), or set {ROOT_ENV} to a folder with its four IDX files"
        )
    try:
        with gzip.open(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetError(f"{path}: not a readable gzip file ({error})") from None
    header = 4 + 4 * dims
    if len(data) < header or struct.unpack(">I", data[:4])[0] != magic:
        raise DatasetError(f"{path}: not an IDX file of {dims} dimension(s) (magic number {magic:#x} expected)")
    shape = struct.unpack(f">{dims}I", data[4:header])
    if len(data) - header != int(np.prod(shape)):
        raise DatasetError(f"{path}: {len(data) - header} bytes of data, {int(np.prod(shape))} expected for {shape}")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def read_fashion_mnist(split: str = "train", folder: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 28, 28)`` uint8 and labels ``(N,)`` (0..9, see :data:`CLASS_NAMES`) of ``train`` or ``test``.

    Raises:
        DatasetError: an unknown split, a missing, truncated or foreign file, or labels that do not fit.
    """
    if split not in _FILES:
        raise DatasetError(f"{NAME}: split must be one of {', '.join(_FILES)}, got {split!r}")
    folder = Path(folder) if folder is not None else root()
    prefix = folder / _FILES[split]
    images = _read_idx(Path(f"{prefix}-images-idx3-ubyte.gz"), 0x803, 3)
    labels = _read_idx(Path(f"{prefix}-labels-idx1-ubyte.gz"), 0x801, 1)
    if len(images) != len(labels) or len(images) != _COUNTS[split] or images.shape[1:] != (28, 28):
        raise DatasetError(
            f"{prefix}-*: {len(images)} images of {images.shape[1:]} and {len(labels)} labels; "
            f"Fashion-MNIST's {split} split has {_COUNTS[split]} of (28, 28)"
        )
    if labels.max() >= len(CLASS_NAMES):
        raise DatasetError(f"{prefix}-labels-idx1-ubyte.gz: label {labels.max()} outside 0..9")
    return images, labels


def load_fashion_mnist(split: str = "train", limit: int | None = None, folder: str | Path | None = None) -> SplitData:
    """A split as training data (grey images, made RGB by the pipeline); ``limit``: the first N images."""
    import tensorflow as tf

    images, labels = read_fashion_mnist(split, folder)
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    dataset = tf.data.Dataset.from_tensor_slices((images[..., None], labels.astype(np.int32)))
    return SplitData(dataset, list(CLASS_NAMES), len(images))
