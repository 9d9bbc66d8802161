"""Fashion-MNIST from Debian's dataset-fashion-mnist: the reader, its errors, and the training source."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from keras_mv2.training import DatasetError, load_fashion_mnist, read_fashion_mnist
from keras_mv2.training.fashion_mnist import CLASS_NAMES, root


def test_reads_the_standard_split():
    images, labels = read_fashion_mnist("train")
    assert images.shape == (60_000, 28, 28) and images.dtype == np.uint8 and labels.shape == (60_000,)
    test_images, test_labels = read_fashion_mnist("test")
    assert test_images.shape == (10_000, 28, 28)
    # Balanced classes: 6,000 and 1,000 of each of the ten.
    assert np.bincount(labels).tolist() == [6_000] * 10 and np.bincount(test_labels).tolist() == [1_000] * 10
    assert images.max() == 255 and images.min() == 0 and 50 < images.mean() < 100  # real pictures, not zeros
    assert len(CLASS_NAMES) == 10
    data = load_fashion_mnist("test", limit=100)
    assert len(data) == 100 and data.class_names == CLASS_NAMES
    first, label = next(iter(data.dataset))
    assert first.shape == (28, 28, 1) and int(label) == int(test_labels[0])


def test_broken_or_missing_files_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match=r"missing\. Fashion-MNIST comes from Debian.s package dataset-fashion"):
        read_fashion_mnist("train", tmp_path)
    with pytest.raises(DatasetError, match="split must be one of train, test"):
        read_fashion_mnist("validation")
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(root() / name, tmp_path / name)
    images = tmp_path / "t10k-images-idx3-ubyte.gz"
    data = gzip.decompress(images.read_bytes())
    images.write_bytes(gzip.compress(data[: len(data) // 2]))  # truncated inside the gzip
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz: .* bytes of data, 7840000 expected"):
        read_fashion_mnist("test", tmp_path)
    images.write_bytes(gzip.compress(data)[:1000])  # the gzip stream itself cut off
    with pytest.raises(DatasetError, match=r"t10k-images-idx3-ubyte\.gz: not a readable gzip file"):
        read_fashion_mnist("test", tmp_path)
    labels = gzip.decompress((root() / "t10k-labels-idx1-ubyte.gz").read_bytes())
    images.write_bytes(gzip.compress(labels))  # a labels file where the images belong
    with pytest.raises(DatasetError, match="not an IDX file of 3 dimension"):
        read_fashion_mnist("test", tmp_path)
