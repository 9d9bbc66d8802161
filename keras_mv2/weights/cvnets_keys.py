"""ml-cvnets' MobileViTv2 classification keys, mapped onto a model built by ``keras_mv2.applications``.

Kept apart from the model: the layers know nothing about checkpoints. The mapping is derived from the
model's own structure (layer names ``conv_1``, ``layer_{stage}_{index}``, ``classifier``), so any width
and any head configuration is covered; :mod:`keras_mv2.weights.assign` checks every key before writing.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from keras_mv2.architecture import STAGES, published_alpha
from keras_mv2.layers import ConvNormAct, InvertedResidual, MobileViTv2Block
from keras_mv2.weights.assign import (
    Target,
    check_targets,
    conv_norm_act_targets,
    conv_targets,
    identity,
    layer_norm_targets,
    linear_kernel,
    without_ignored,
    write_targets,
)
from keras_mv2.weights.errors import CheckpointError

# ml-cvnets names the classifier's linear layer `classifier.1` (after the pooling) or `classifier.fc`.
CLASSIFIER_PREFIXES = ("classifier.1", "classifier.fc")
STEM_KEY = "conv_1.block.conv.weight"


def _inverted_residual_targets(layer: InvertedResidual, prefix: str) -> list[Target]:
    targets = []
    for sublayer, key in ((layer.exp_1x1, "exp_1x1"), (layer.conv_3x3, "conv_3x3"), (layer.red_1x1, "red_1x1")):
        if sublayer is not None:
            targets += conv_norm_act_targets(sublayer, f"{prefix}.block.{key}")
    return targets


def _block_targets(layer: MobileViTv2Block, prefix: str) -> list[Target]:
    targets = conv_norm_act_targets(layer.local_dw, f"{prefix}.local_rep.0")
    targets += conv_targets(layer.local_proj, f"{prefix}.local_rep.1.block.conv")
    for index, unit in enumerate(layer.units):
        unit_prefix = f"{prefix}.global_rep.{index}"
        targets += layer_norm_targets(unit.attn_norm, f"{unit_prefix}.pre_norm_attn.0")
        targets += conv_targets(unit.attention.qkv_proj, f"{unit_prefix}.pre_norm_attn.1.qkv_proj.block.conv")
        targets += conv_targets(unit.attention.out_proj, f"{unit_prefix}.pre_norm_attn.1.out_proj.block.conv")
        targets += layer_norm_targets(unit.ffn_norm, f"{unit_prefix}.pre_norm_ffn.0")
        targets += conv_targets(unit.ffn_expand, f"{unit_prefix}.pre_norm_ffn.1.block.conv")
        targets += conv_targets(unit.ffn_reduce, f"{unit_prefix}.pre_norm_ffn.3.block.conv")
    targets += layer_norm_targets(layer.final_norm, f"{prefix}.global_rep.{len(layer.units)}")
    targets += conv_norm_act_targets(layer.proj, f"{prefix}.conv_proj")
    return targets


def backbone_targets(model: keras.Model, key_prefix: str = "") -> list[Target]:
    """Targets of the backbone layers (``conv_1``, ``layer_S_I``); ``key_prefix`` is ``encoder.`` in
    segmentation and detection checkpoints."""
    targets = []
    for layer in model.layers:
        match = re.fullmatch(r"layer_(\d+)_(\d+)", layer.name)
        if layer.name == "conv_1" and isinstance(layer, ConvNormAct):
            targets += conv_norm_act_targets(layer, f"{key_prefix}conv_1")
        elif match and isinstance(layer, InvertedResidual):
            targets += _inverted_residual_targets(layer, f"{key_prefix}layer_{match[1]}.{match[2]}")
        elif match and isinstance(layer, MobileViTv2Block):
            targets += _block_targets(layer, f"{key_prefix}layer_{match[1]}.{match[2]}")
    return targets


def _classification_targets(model: keras.Model, state: dict[str, np.ndarray]) -> tuple[list[Target], tuple]:
    prefix = next((p for p in CLASSIFIER_PREFIXES if f"{p}.weight" in state), CLASSIFIER_PREFIXES[0])
    targets = backbone_targets(model)
    classifier = next((x for x in model.layers if x.name == "classifier" and isinstance(x, keras.layers.Dense)), None)
    if classifier is not None:
        targets += [Target(classifier.kernel, f"{prefix}.weight", linear_kernel)]
        targets += [Target(classifier.bias, f"{prefix}.bias", identity)]
    ignored = () if classifier is not None else ("classifier",)
    return targets, ignored


def check_cvnets_state_dict(model: keras.Model, state: dict[str, np.ndarray], source: str = "checkpoint") -> None:
    """Raise :class:`CheckpointError` unless ``state`` fits ``model``; nothing is assigned."""
    state = without_ignored(state)
    targets, ignored = _classification_targets(model, state)
    if not targets:
        raise CheckpointError(f"{source}: the model has no MobileViTv2 layers to load into")
    check_targets(model, state, targets, source, ignored_prefixes=ignored, diagnose=_diagnose)


def assign_cvnets_state_dict(model: keras.Model, state: dict[str, np.ndarray], source: str = "checkpoint") -> None:
    """Copy an ml-cvnets classification state dict into ``model``; all or nothing.

    Raises:
        CheckpointError: keys missing or left over, or shapes that differ (with a guess at the
            checkpoint's width or class count when that explains it). The model is untouched then.
    """
    check_cvnets_state_dict(model, state, source)
    state = without_ignored(state)
    write_targets(state, _classification_targets(model, state)[0])


def _diagnose(model: keras.Model, state: dict[str, np.ndarray]) -> str:
    """A hint naming the likely cause: another width, another class count, or another model family."""
    hints = []
    if STEM_KEY not in state:
        if f"encoder.{STEM_KEY}" in state:
            hints.append("it is a segmentation or detection checkpoint (its backbone keys start with 'encoder.')")
        else:
            hints.append("it does not look like an ml-cvnets MobileViTv2 classification checkpoint")
    else:
        checkpoint_alpha, model_alpha = state_alpha(state), infer_alpha(model)
        if checkpoint_alpha is not None and checkpoint_alpha != model_alpha:
            hints.append(f"the checkpoint is for alpha={checkpoint_alpha}, the model is alpha={model_alpha}")
    classes = checkpoint_classes(state)
    dense = next((layer for layer in model.layers if layer.name == "classifier"), None)
    if classes is not None and dense is not None and classes != dense.units:
        hints.append(
            f"the checkpoint's classifier has {classes} classes, the model {dense.units}: "
            f"build with classes={classes} or include_top=False"
        )
    return (". Likely cause: " + "; ".join(hints) + ".") if hints else ""


def checkpoint_classes(state: dict[str, np.ndarray]) -> int | None:
    """The class count of a classification state dict's classifier, or ``None`` without one."""
    weight = next((state[f"{p}.weight"] for p in CLASSIFIER_PREFIXES if f"{p}.weight" in state), None)
    return None if weight is None or np.ndim(weight) != 2 else int(weight.shape[0])


def state_alpha(state: dict[str, np.ndarray], key_prefix: str = "") -> float | None:
    """The published width whose channel counts an ml-cvnets state dict has, or ``None``."""
    keys = [STEM_KEY] + [f"layer_{s}.0.block.red_1x1.block.conv.weight" for s in range(1, len(STAGES) + 1)]
    shapes = [np.shape(state[key_prefix + k]) if key_prefix + k in state else () for k in keys]
    signature = tuple(shape[0] if len(shape) == 4 else None for shape in shapes)  # convolution kernels only
    return published_alpha(signature)


def infer_alpha(model: keras.Model) -> float | None:
    """The published width whose channel counts ``model`` has, or ``None``."""
    layers = {layer.name: layer for layer in model.layers}
    stem = layers.get("conv_1")
    signature = [None if stem is None else stem.conv.filters]
    for stage in STAGES:
        layer = layers.get(f"{stage.name}_0")
        signature.append(None if layer is None else layer.filters)
    return published_alpha(tuple(signature))
