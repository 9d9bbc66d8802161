"""``load_weights``: one entry point for every kind of checkpoint and every task.

It dispatches twice: on what ``weights`` is (a published name, a Hub id, a Keras weights file, an
ml-cvnets / Hugging Face / ``.npz`` checkpoint) and on what the model is (classification,
segmentation or detection, told by the layer names the builders give).
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_mv2.utils.keras_files import check_keras_file, one_line
from keras_mv2.weights.cvnets_keys import assign_cvnets_state_dict, infer_alpha
from keras_mv2.weights.dense_keys import assign_dense_state_dict
from keras_mv2.weights.download import fetch_published
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.hf_keys import hf_to_cvnets, is_hf_state_dict, read_hf_checkpoint
from keras_mv2.weights.hub import fetch_from_hub, is_hub_id
from keras_mv2.weights.npz_reader import read_npz_state_dict
from keras_mv2.weights.registry import published, published_names
from keras_mv2.weights.torch_reader import read_torch_checkpoint
from keras_mv2.weights.validate import check_state_dict


def model_task(model: keras.Model) -> str:
    """``classification``, ``segmentation`` (DeepLabv3) or ``detection`` (SSDLite), from the builders' layer names."""
    names = {layer.name for layer in model.layers}
    if "class_logits" in names and "ssd_head_0_flatten" in names:
        return "detection"
    if "seg_classifier" in names:
        return "segmentation"
    return "classification"


def read_state_dict(source: str | Path) -> dict[str, np.ndarray]:
    """Read any supported checkpoint file or directory as an ml-cvnets-keyed state dict of arrays.

    Every tensor is checked (:func:`~keras_mv2.weights.validate.check_state_dict`) before it is returned.
    """
    path = Path(source)
    if path.is_dir() or path.suffix == ".safetensors":
        state = read_hf_checkpoint(path)
    elif path.suffix == ".npz":
        state = read_npz_state_dict(path)
    else:
        state = read_torch_checkpoint(path)
    check_state_dict(state, str(path))
    return hf_to_cvnets(state, str(path)) if is_hf_state_dict(state) else state


def load_weights(model: keras.Model, weights: str | Path, alpha: float | None = None) -> keras.Model:
    """Load ``weights`` into a model built by ``keras_mv2.applications``, all or nothing.

    ``weights``: a published name (``keras_mv2.weights.PUBLISHED_CHECKPOINTS``: ImageNet classifiers,
    ``pascalvoc-deeplabv3``, ``ade20k-deeplabv3``, ``coco-ssdlite``), a Hugging Face Hub id
    (``hf://apple/mobilevitv2-1.0-imagenet1k-256``), a Keras ``.weights.h5`` file, an ml-cvnets ``.pt``,
    a Hugging Face directory, ``.safetensors`` or ``.bin``, or a ``.npz`` of ml-cvnets keys. ``alpha``
    chooses the width of a published file (inferred from the model when ``None``).

    Raises:
        CheckpointError: unreadable, unsafe, or not fitting; the model's weights are unchanged then.
    """
    task = model_task(model)
    entry = published(weights)
    if entry is not None:
        if entry.task != task:
            raise CheckpointError(f"'{weights}' holds {entry.task} weights, the model is a {task} model")
        alpha = alpha if alpha is not None else infer_alpha(model)
        if alpha is None:
            raise CheckpointError(
                f"'{weights}' is published only for the widths {list(entry.widths)}; the model has none of them"
            )
        state, source = fetch_published(str(weights), alpha), f"'{weights}' (alpha={alpha})"
    elif is_hub_id(weights):
        state, source = read_state_dict(fetch_from_hub(str(weights))), str(weights)
    else:
        path = Path(weights)
        if not path.exists():
            raise CheckpointError(
                f"{path}: no such file or directory, and not a published {task} checkpoint name "
                f"{published_names(task)} or a Hub id (hf://owner/repository)"
            )
        if path.name.endswith(".h5"):
            try:
                check_keras_file(path)
            except ValueError as error:
                raise CheckpointError(str(error)) from None
            _load_keras_weights(model, path)
            return model
        if path.suffix == ".keras":
            raise CheckpointError(f"{path}: a whole saved model; open it with keras.models.load_model instead")
        state, source = read_state_dict(path), str(path)
    if task == "classification":
        assign_cvnets_state_dict(model, state, source=source)
    else:
        assign_dense_state_dict(model, state, task, source=source)
    return model


def _load_keras_weights(model: keras.Model, path: Path) -> None:
    snapshot = [np.array(v) for v in model.weights]
    try:
        model.load_weights(path)
    except Exception as error:  # Keras raises ValueError, KeyError or OSError here depending on the fault
        for variable, value in zip(model.weights, snapshot, strict=True):
            variable.assign(value)
        raise CheckpointError(f"{path}: does not fit model '{model.name}' ({one_line(error)})") from None
