"""``load_weights``: one entry point for every supported kind of checkpoint."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from keras_mv2.weights.cvnets_keys import assign_cvnets_state_dict, infer_alpha
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.hf_keys import hf_to_cvnets, is_hf_state_dict, read_hf_checkpoint
from keras_mv2.weights.published import ALIASES, PUBLISHED_CHECKPOINTS, fetch_published, is_published_name
from keras_mv2.weights.torch_reader import read_torch_checkpoint


def read_state_dict(source: str | Path) -> dict[str, np.ndarray]:
    """Read any supported checkpoint file or directory as an ml-cvnets-keyed state dict of arrays."""
    path = Path(source)
    if path.is_dir() or path.suffix == ".safetensors":
        state = read_hf_checkpoint(path)
    elif path.suffix == ".npz":
        if not path.is_file():
            raise CheckpointError(f"{path}: no such checkpoint file")
        try:
            with np.load(path, allow_pickle=False) as archive:
                state = {key: archive[key] for key in archive.files}
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{path}: unreadable .npz ({error})") from None
    else:
        state = read_torch_checkpoint(path)
    return hf_to_cvnets(state, str(path)) if is_hf_state_dict(state) else state


def load_weights(model: keras.Model, weights: str | Path, alpha: float | None = None) -> keras.Model:
    """Load ``weights`` into a ``MobileViTv2`` model, all or nothing.

    ``weights``: a Keras ``.weights.h5`` file; an ml-cvnets ``.pt``; a Hugging Face directory,
    ``.safetensors`` or ``.bin``; a ``.npz`` of ml-cvnets keys; or a published checkpoint name
    (``imagenet1k-256``, ``imagenet1k-384``, ``imagenet21k-ft1k-256``, ``imagenet21k-ft1k-384``,
    ``imagenet``). ``alpha`` is only needed to choose a published file and is inferred otherwise.

    Raises:
        CheckpointError: unreadable, unsafe, or not fitting; the model's weights are unchanged then.
    """
    if is_published_name(weights):
        alpha = alpha if alpha is not None else infer_alpha(model)
        if alpha is None:
            raise CheckpointError(f"'{weights}' is published only for the widths {_published_widths()}")
        assign_cvnets_state_dict(model, fetch_published(weights, alpha), source=f"'{weights}' (alpha={alpha})")
        return model
    path = Path(weights)
    if not path.exists():
        names = sorted([*PUBLISHED_CHECKPOINTS, *ALIASES])
        raise CheckpointError(f"{path}: no such file or directory, and not a published checkpoint name {names}")
    if path.name.endswith(".h5"):
        _load_keras_weights(model, path)
    elif path.suffix == ".keras":
        raise CheckpointError(f"{path}: a whole saved model; open it with keras.models.load_model instead")
    else:
        assign_cvnets_state_dict(model, read_state_dict(path), source=str(path))
    return model


def load_dense_weights(model: keras.Model, weights: str | Path, kind: str, alpha: float | None = None) -> keras.Model:
    """Load DeepLabv3 (``kind="deeplabv3"``) or SSDLite (``"ssdlite"``) weights, all or nothing.

    ``weights``: an ml-cvnets ``.pt`` (or ``.npz`` of its keys), a Keras ``.weights.h5``, or a published name
    (``coco-ssdlite``, ``ade20k-deeplabv3``, ``pascalvoc-deeplabv3``).
    """
    from keras_mv2.weights.dense_keys import assign_dense_state_dict
    from keras_mv2.weights.published import PUBLISHED_DENSE_CHECKPOINTS, fetch_published_dense

    if isinstance(weights, str) and weights in PUBLISHED_DENSE_CHECKPOINTS:
        published_kind = PUBLISHED_DENSE_CHECKPOINTS[weights][2]
        if published_kind != kind:
            raise CheckpointError(f"'{weights}' holds {published_kind} weights, the model is {kind}")
        alpha = alpha if alpha is not None else infer_alpha(model)
        if alpha is None:
            raise CheckpointError(f"'{weights}' is published only for the widths {_published_widths()}")
        state = fetch_published_dense(weights, alpha)
        assign_dense_state_dict(model, state, kind, source=f"'{weights}' (alpha={alpha})")
        return model
    path = Path(weights)
    if not path.exists():
        names = sorted(PUBLISHED_DENSE_CHECKPOINTS)
        raise CheckpointError(f"{path}: no such file or directory, and not a published checkpoint name {names}")
    if path.name.endswith(".h5"):
        _load_keras_weights(model, path)
    else:
        assign_dense_state_dict(model, read_state_dict(path), kind, source=str(path))
    return model


def _load_keras_weights(model: keras.Model, path: Path) -> None:
    snapshot = [np.array(v) for v in model.weights]
    try:
        model.load_weights(path)
    except Exception as error:  # Keras raises ValueError, KeyError or OSError here depending on the fault
        for variable, value in zip(model.weights, snapshot, strict=True):
            variable.assign(value)
        raise CheckpointError(f"{path}: does not fit model '{model.name}' ({type(error).__name__}: {error})") from None


def _published_widths() -> str:
    return ", ".join(str(a) for a in PUBLISHED_CHECKPOINTS["imagenet1k-256"][1])
