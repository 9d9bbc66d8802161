"""One builder per task, with the input size, classes and data-set settings of Apple's published models.

``build_model("segmentation", ...)`` is what the ``mv2`` command, the demos and the edge exports use, so
their defaults cannot drift apart.
"""

from __future__ import annotations

import keras

from keras_mv2.applications.deeplabv3 import DATASETS, DeepLabV3MobileViTv2
from keras_mv2.applications.mobilevitv2 import MobileViTv2
from keras_mv2.applications.ssdlite import SSDLiteMobileViTv2
from keras_mv2.weights import TASKS, published

DEFAULT_SIZES = {"classification": 256, "segmentation": 512, "detection": 320}
DEFAULT_DATASETS = {"classification": "imagenet", "segmentation": "pascal_voc", "detection": "coco"}
DEFAULT_CLASSES = {"classification": 1000, "detection": 81}  # segmentation: per data set (DATASETS)


def task_dataset(task: str, weights=None, dataset: str | None = None) -> str:
    """The data set a model is for: ``dataset`` if given, else that of published ``weights``, else the task's."""
    entry = published(weights)
    return dataset or (entry.dataset if entry is not None and entry.task == task else DEFAULT_DATASETS[task])


def build_model(
    task: str,
    alpha: float = 1.0,
    weights=None,
    size: int | None = None,
    dataset: str | None = None,
    classes: int | None = None,
    **kwargs,
) -> keras.Model:
    """A square-input model for ``task`` (``classification``, ``segmentation`` or ``detection``).

    ``size`` defaults to 256 / 512 / 320; ``dataset`` (segmentation: ``pascal_voc`` or ``ade20k``) to the
    published weights' or the task's usual one, and with it ``classes``, the output stride and the ASPP
    rates. Other keyword arguments go to the builder.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    size = size or DEFAULT_SIZES[task]
    shape = (size, size, 3)
    if task == "classification":
        return MobileViTv2(alpha, weights=weights, input_shape=shape, classes=classes or 1000, **kwargs)
    if task == "detection":
        return SSDLiteMobileViTv2(alpha, classes=classes or DEFAULT_CLASSES[task], weights=weights, input_shape=shape,
                                  **kwargs)  # fmt: skip
    dataset = task_dataset(task, weights, dataset)
    if dataset not in DATASETS:
        raise ValueError(f"segmentation dataset must be one of {', '.join(DATASETS)}, got {dataset!r}")
    config = DATASETS[dataset]
    return DeepLabV3MobileViTv2(
        alpha, classes=classes or config["classes"], output_stride=config["output_stride"],
        aspp_rates=config["aspp_rates"], weights=weights, input_shape=shape, **kwargs,
    )  # fmt: skip
