"""One builder per task, with the input size, classes and data-set settings of Apple's published models.

``build_model("segmentation", ...)`` is what the ``mv2`` command, the demos and the edge exports use, so
their defaults cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import keras

from keras_mv2.applications.deeplabv3 import DATASETS, DeepLabV3MobileViTv2
from keras_mv2.applications.mobilevitv2 import MobileViTv2
from keras_mv2.applications.ssdlite import SSDLiteMobileViTv2
from keras_mv2.architecture import stage_widths
from keras_mv2.weights import (
    TASKS,
    CheckpointError,
    assign_cvnets_state_dict,
    checkpoint_classes,
    published,
    read_state_dict,
    state_alpha,
)
from keras_mv2.weights.cvnets_keys import CLASSIFIER_PREFIXES
from keras_mv2.weights.validate import check_state_dict

DEFAULT_SIZES = {"classification": 256, "segmentation": 512, "detection": 320}
DEFAULT_DATASETS = {"classification": "imagenet", "segmentation": "pascal_voc", "detection": "coco"}
DEFAULT_CLASSES = {"classification": 1000, "detection": 81}  # segmentation: per data set (DATASETS)


def task_dataset(task: str, weights=None, dataset: str | None = None) -> str:
    """The data set a model is for: ``dataset`` if given, else that of published ``weights``, else the task's."""
    entry = published(weights)
    return dataset or (entry.dataset if entry is not None and entry.task == task else DEFAULT_DATASETS[task])


def classifier_from_checkpoint(checkpoint, alpha: float | None = None, classes: int | None = None, **kwargs):
    """``MobileViTv2`` with the width and class count of a classification ``checkpoint`` file (any format
    ``load_weights`` reads but Keras' own), its weights loaded. ``alpha`` / ``classes``, when given, must match.
    Other keyword arguments go to :func:`MobileViTv2`."""
    return classifier_from_state(read_state_dict(checkpoint), str(checkpoint), alpha, classes, **kwargs)


def classifier_from_state(
    state: dict, source: str, alpha: float | None = None, classes: int | None = None, **kwargs
) -> keras.Model:
    """``MobileViTv2`` sized by a classification state dict (ml-cvnets names) and loaded from it; ``source``
    names it in errors. Width and class count default to what its shapes say, read only once every tensor
    is checked; the classifier must take the width's features, so its class count is backed by values in
    the file (a head of zero-size tensors cannot ask for millions of classes)."""
    check_state_dict(state, source)
    if alpha is None:
        alpha = state_alpha(state)
        if alpha is None:
            raise CheckpointError(f"{source}: its channel widths match no published alpha; give alpha")
    found = checkpoint_classes(state)
    if found is not None and kwargs.get("include_top", True):
        weight = next(state[f"{p}.weight"] for p in CLASSIFIER_PREFIXES if f"{p}.weight" in state)
        features = stage_widths(alpha)["layer_5"]
        if weight.shape[1] != features:
            raise CheckpointError(
                f"{source}: its classifier takes {weight.shape[1]} features, "
                f"the alpha={alpha} backbone gives {features}"
            )
    model = MobileViTv2(alpha, classes=classes or found or 1000, **kwargs)
    assign_cvnets_state_dict(model, state, source=source)
    return model


def _is_checkpoint_file(weights) -> bool:
    """A local checkpoint whose shapes tell its width and classes (not a name, a Hub id or Keras weights)."""
    if weights is None or published(weights) is not None or str(weights).startswith("hf://"):
        return False
    return not str(weights).endswith(".h5") and Path(weights).exists()


def build_model(
    task: str,
    alpha: float | None = None,
    weights=None,
    size: int | None = None,
    dataset: str | None = None,
    classes: int | None = None,
    **kwargs,
) -> keras.Model:
    """A square-input model for ``task`` (``classification``, ``segmentation`` or ``detection``).

    ``alpha`` defaults to a classification checkpoint file's own width (and ``classes`` to its class count),
    else 1.0. ``size`` defaults to 256 / 512 / 320; ``dataset`` (segmentation: ``pascal_voc`` or ``ade20k``) to the
    published weights' or the task's usual one, and with it ``classes``, the output stride and the ASPP
    rates. Other keyword arguments go to the builder.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    size = size or DEFAULT_SIZES[task]
    shape = (size, size, 3)
    if task == "classification" and _is_checkpoint_file(weights):
        return classifier_from_checkpoint(weights, alpha, classes, input_shape=shape, **kwargs)
    alpha = 1.0 if alpha is None else alpha
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
