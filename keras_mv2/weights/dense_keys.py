"""ml-cvnets' DeepLabv3 (segmentation) and SSDLite (detection) keys, mapped onto ``keras_mv2.applications`` models.

The backbone's keys are the classification ones under ``encoder.``; the heads' keys are listed here
next to the Keras layer names the builders give them.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from keras_mv2.layers import ASPP, ConvNormAct
from keras_mv2.weights.assign import (
    Target,
    check_targets,
    conv_norm_act_targets,
    without_ignored,
    write_targets,
)
from keras_mv2.weights.cvnets_keys import STEM_KEY, backbone_targets
from keras_mv2.weights.errors import CheckpointError

# The architecture behind each dense task, as ml-cvnets names its checkpoints.
DENSE_TASKS = {"segmentation": "DeepLabv3", "detection": "SSDLite"}
_ASPP = "seg_head.aspp.aspp_layer"


def _deeplab_targets(model: keras.Model) -> list[Target]:
    targets = []
    for layer in model.layers:
        if isinstance(layer, ASPP):
            for index, branch in enumerate(layer.branches):
                targets += conv_norm_act_targets(branch, f"{_ASPP}.convs.{index}")
            pool_key = f"{_ASPP}.convs.{len(layer.branches)}.aspp_pool.conv_1x1"
            targets += conv_norm_act_targets(layer.pool_conv, pool_key)
            targets += conv_norm_act_targets(layer.project, f"{_ASPP}.project")
        elif layer.name in _DEEPLAB_LAYERS:
            targets += conv_norm_act_targets(layer, _DEEPLAB_LAYERS[layer.name])
    return targets


_DEEPLAB_LAYERS = {
    "seg_classifier": "seg_head.classifier",
    "aux_conv": "seg_head.aux_head.0",
    "aux_classifier": "seg_head.aux_head.2",
}


_SSD_HEAD_PARTS = {
    "proj": "proj_layer", "dw": "loc_cls_layer.dw_conv", "pw": "loc_cls_layer.pw_conv", "conv": "loc_cls_layer",
}  # fmt: skip


def _ssd_key(name: str) -> str | None:
    """ml-cvnets' key prefix for an SSDLite layer name given by ``SSDLiteMobileViTv2``."""
    if match := re.fullmatch(r"extra_os_(\d+)_(dw|pw)", name):
        return f"extra_layers.os_{match[1]}.{match[2]}_conv"
    if name == "extra_global":
        return "extra_layers.os_-1.1"
    if match := re.fullmatch(r"ssd_head_(\d+)_(proj|dw|pw|conv)", name):
        return f"ssd_heads.{match[1]}.{_SSD_HEAD_PARTS[match[2]]}"
    return None


def _ssd_targets(model: keras.Model) -> list[Target]:
    targets = []
    for layer in model.layers:
        key = _ssd_key(layer.name)
        if key is not None and isinstance(layer, ConvNormAct):
            targets += conv_norm_act_targets(layer, key)
    return targets


def _dense_targets(model: keras.Model, state: dict[str, np.ndarray], task: str, source: str):
    if task not in DENSE_TASKS:
        raise ValueError(f"task must be one of {sorted(DENSE_TASKS)}, got {task!r}")
    name = f"ml-cvnets {DENSE_TASKS[task]} ({task})"
    if f"encoder.{STEM_KEY}" not in state:
        hint = " (this is a classification checkpoint: its keys have no 'encoder.' prefix)" if STEM_KEY in state else ""
        raise CheckpointError(f"{source}: not an {name} checkpoint{hint}")
    found = "detection" if any(k.startswith("ssd_heads.") for k in state) else "segmentation"
    if not any(k.startswith(("ssd_heads.", "seg_head.")) for k in state):
        found = "backbone-only"
    if found != task:
        raise CheckpointError(f"{source}: not an {name} checkpoint (it holds {found} weights)")
    targets = backbone_targets(model, key_prefix="encoder.")
    targets += _deeplab_targets(model) if task == "segmentation" else _ssd_targets(model)
    has_aux = any(t.key.startswith("seg_head.aux_head") for t in targets)
    ignored = ("seg_head.aux_head",) if task == "segmentation" and not has_aux else ()
    return targets, ignored


def check_dense_state_dict(model: keras.Model, state: dict[str, np.ndarray], task: str, source: str) -> None:
    """Raise :class:`CheckpointError` unless a ``task`` state dict fits ``model``; nothing is assigned."""
    state = without_ignored(state)
    targets, ignored = _dense_targets(model, state, task, source)
    check_targets(model, state, targets, source, ignored_prefixes=ignored, diagnose=_diagnose_head)


def assign_dense_state_dict(model: keras.Model, state: dict[str, np.ndarray], task: str, source: str) -> None:
    """Copy a segmentation (DeepLabv3) or detection (SSDLite) state dict into ``model``; all or nothing."""
    check_dense_state_dict(model, state, task, source)
    state = without_ignored(state)
    write_targets(state, _dense_targets(model, state, task, source)[0])


def _diagnose_head(model: keras.Model, state: dict[str, np.ndarray]) -> str:
    """Name the class count a head checkpoint was trained for when that is what differs."""
    for key, layer_name, per_anchor in (
        ("seg_head.classifier.block.conv.weight", "seg_classifier", None),
        ("ssd_heads.5.loc_cls_layer.block.conv.weight", "ssd_head_5_conv", 4),
    ):
        if key in state:
            layer = next((x for x in model.layers if x.name == layer_name), None)
            checkpoint_outputs = int(state[key].shape[0])
            if layer is None or layer.filters == checkpoint_outputs:
                continue
            classes = checkpoint_outputs if per_anchor is None else checkpoint_outputs // per_anchor - 4
            return f". Likely cause: the checkpoint has {classes} classes: build the model with classes={classes}"
    return ""
