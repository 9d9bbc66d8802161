"""Map ml-cvnets DeepLabv3 / SSDLite state dicts onto the models of ``keras_mv2.applications``.

The backbone's keys are the classification ones under ``encoder.``; the heads' keys are listed here
next to the Keras layer names the builders give them.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from keras_mv2.layers import ConvNormAct
from keras_mv2.layers.aspp import ASPP
from keras_mv2.weights.cvnets_keys import (
    _IGNORED_SUFFIXES,
    _conv_norm_act_targets,
    _model_targets,
    _Target,
    assign_targets,
)
from keras_mv2.weights.errors import CheckpointError

KINDS = ("deeplabv3", "ssdlite")
_ASPP = "seg_head.aspp.aspp_layer"


def _deeplab_targets(model: keras.Model) -> list[_Target]:
    targets = []
    for layer in model.layers:
        if isinstance(layer, ASPP):
            for index, branch in enumerate(layer.branches):
                targets += _conv_norm_act_targets(branch, f"{_ASPP}.convs.{index}")
            pool_key = f"{_ASPP}.convs.{len(layer.branches)}.aspp_pool.conv_1x1"
            targets += _conv_norm_act_targets(layer.pool_conv, pool_key)
            targets += _conv_norm_act_targets(layer.project, f"{_ASPP}.project")
        elif layer.name in _DEEPLAB_LAYERS:
            targets += _conv_norm_act_targets(layer, _DEEPLAB_LAYERS[layer.name])
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


def _ssd_targets(model: keras.Model) -> list[_Target]:
    targets = []
    for layer in model.layers:
        key = _ssd_key(layer.name)
        if key is not None and isinstance(layer, ConvNormAct):
            targets += _conv_norm_act_targets(layer, key)
    return targets


def assign_dense_state_dict(model: keras.Model, state: dict[str, np.ndarray], kind: str, source: str) -> None:
    """Copy a DeepLabv3 or SSDLite state dict into ``model``; all or nothing (see ``assign_targets``)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    state = {k.removeprefix("module."): v for k, v in state.items() if not k.endswith(_IGNORED_SUFFIXES)}
    if "encoder.conv_1.block.conv.weight" not in state:
        hint = ""
        if "conv_1.block.conv.weight" in state:
            hint = " (this is a classification checkpoint: its keys have no 'encoder.' prefix)"
        raise CheckpointError(f"{source}: not an ml-cvnets {kind} checkpoint{hint}")
    found = "ssdlite" if any(k.startswith("ssd_heads.") for k in state) else "deeplabv3"
    if not any(k.startswith(("ssd_heads.", "seg_head.")) for k in state):
        found = "backbone-only"
    if found != kind:
        raise CheckpointError(f"{source}: not an ml-cvnets {kind} checkpoint (it holds {found} weights)")
    targets = _model_targets(model, "classifier", key_prefix="encoder.")
    targets += _deeplab_targets(model) if kind == "deeplabv3" else _ssd_targets(model)
    has_aux = any(t.key.startswith("seg_head.aux_head") for t in targets)
    ignored = ("seg_head.aux_head",) if kind == "deeplabv3" and not has_aux else ()
    assign_targets(model, state, targets, source, ignored_prefixes=ignored, diagnose=_diagnose_head)


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
