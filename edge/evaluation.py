"""Accuracy on labelled images: a class-folder tree or Fashion-MNIST's test split, streamed in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from keras_mv2.applications import eval_transform
from keras_mv2.training import read_fashion_mnist, scan_image_folder
from keras_mv2.training.fashion_mnist import CLASS_NAMES as FASHION_MNIST_CLASSES
from keras_mv2.training.fashion_mnist import NAME as FASHION_MNIST


def labelled_class_names(data: str | Path) -> list[str]:
    """The classes of labelled data, in label order, after checking that it can be read: ``fashion-mnist``
    (its test files are read) or a class-folder tree (every image decoded). Raises ``DatasetError`` naming
    what is wrong, so that a job can check its evaluation data before it writes anything."""
    if str(data) == FASHION_MNIST:
        read_fashion_mnist("test")
        return list(FASHION_MNIST_CLASSES)
    return scan_image_folder(data).class_names


def labelled_batches(
    data: str | Path, size: tuple[int, int], batch_size: int = 256
) -> tuple[int, Iterator[tuple[np.ndarray, np.ndarray]]]:
    """The number of images in ``data`` and batches of ``(images in [0, 255], labels)`` at ``size``, prepared
    with the evaluation transform. ``data``: ``fashion-mnist`` (its 10,000 test images) or a folder with one
    sub-folder per class (the training's class order: sorted names)."""
    if str(data) == FASHION_MNIST:
        images, labels = read_fashion_mnist("test")

        def load(index: int) -> np.ndarray:
            return eval_transform(np.repeat(images[index][..., None], 3, axis=-1), size)

    else:
        folder = scan_image_folder(data)
        labels = folder.labels

        def load(index: int) -> np.ndarray:
            return eval_transform(folder.files[index], size)

    def batches():
        for start in range(0, len(labels), batch_size):
            indices = range(start, min(start + batch_size, len(labels)))
            yield np.stack([load(i) for i in indices]), np.asarray(labels[start : start + batch_size])

    return len(labels), batches()


def predicted_classes(
    predictors: dict[str, Callable[[np.ndarray], np.ndarray]], data: str | Path, size: tuple[int, int],
    progress: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:  # fmt: skip
    """Each predictor's best class for every image of ``data``, and the true labels (one pass over the data)."""
    from tqdm.auto import tqdm

    count, batches = labelled_batches(data, size)
    found: dict[str, list[np.ndarray]] = {name: [] for name in predictors}
    truth = []
    with tqdm(total=count, desc=f"evaluating on {data}", unit="img", disable=not progress) as bar:
        for images, labels in batches:
            for name, predict in predictors.items():
                found[name].append(np.asarray(predict(images)).argmax(axis=1))
            truth.append(labels)
            bar.update(len(labels))
    return {name: np.concatenate(values) for name, values in found.items()}, np.concatenate(truth)


def accuracy_table(predictions: dict[str, np.ndarray], labels: np.ndarray, reference: str | None = None) -> dict:
    """Top-1 of each predictor, and with ``reference`` each one's top-1 agreement with it."""
    table: dict = {"images": len(labels)}
    for name, classes in predictions.items():
        table[f"{name}_top1"] = float((classes == labels).mean())
        if reference is not None and name != reference:
            table[f"{name}_agreement_with_{reference}"] = float((classes == predictions[reference]).mean())
    return table
