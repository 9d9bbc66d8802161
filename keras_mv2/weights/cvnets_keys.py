"""Map an ml-cvnets MobileViTv2 state dict onto a Keras model built by ``keras_mv2.applications``.

Kept apart from the model: the layers know nothing about checkpoints. The mapping is derived from
the model's own structure (layer names ``conv_1``, ``layer_{stage}_{index}``, ``classifier``), so any
width and any head configuration is covered, and every variable and every checkpoint key is
accounted for before a single value is assigned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from keras_mv2.layers import ConvNormAct, InvertedResidual, LayerNorm2D, MobileViTv2Block
from keras_mv2.weights.errors import CheckpointError

# Checkpoint entries that carry no model state.
_IGNORED_SUFFIXES = (".num_batches_tracked",)
# ml-cvnets names the classifier's linear layer `classifier.1` (after the pooling) or `classifier.fc`.
_CLASSIFIER_PREFIXES = ("classifier.1", "classifier.fc")


@dataclass
class _Target:
    variable: keras.Variable
    key: str
    transform: Callable[[np.ndarray], np.ndarray]


def _conv_kernel(w: np.ndarray) -> np.ndarray:  # (O, I, kh, kw) -> (kh, kw, I, O)
    return w.transpose(2, 3, 1, 0)


def _depthwise_kernel(w: np.ndarray) -> np.ndarray:  # (C, 1, kh, kw) -> (kh, kw, C, 1)
    return w.transpose(2, 3, 0, 1)


def _identity(w: np.ndarray) -> np.ndarray:
    return w


def _conv_targets(conv: keras.layers.Layer, prefix: str) -> list[_Target]:
    depthwise = isinstance(conv, keras.layers.DepthwiseConv2D)
    targets = [_Target(conv.kernel, f"{prefix}.weight", _depthwise_kernel if depthwise else _conv_kernel)]
    if conv.use_bias:
        targets.append(_Target(conv.bias, f"{prefix}.bias", _identity))
    return targets


def _conv_norm_act_targets(layer: ConvNormAct, prefix: str) -> list[_Target]:
    targets = _conv_targets(layer.conv, f"{prefix}.block.conv")
    if layer.norm is not None:
        norm = layer.norm
        for variable, name in (
            (norm.gamma, "weight"),
            (norm.beta, "bias"),
            (norm.moving_mean, "running_mean"),
            (norm.moving_variance, "running_var"),
        ):
            targets.append(_Target(variable, f"{prefix}.block.norm.{name}", _identity))
    return targets


def _layer_norm_targets(layer: LayerNorm2D, prefix: str) -> list[_Target]:
    return [
        _Target(layer.gamma, f"{prefix}.weight", _identity),
        _Target(layer.beta, f"{prefix}.bias", _identity),
    ]


def _inverted_residual_targets(layer: InvertedResidual, prefix: str) -> list[_Target]:
    targets = []
    for sublayer, key in ((layer.exp_1x1, "exp_1x1"), (layer.conv_3x3, "conv_3x3"), (layer.red_1x1, "red_1x1")):
        if sublayer is not None:
            targets += _conv_norm_act_targets(sublayer, f"{prefix}.block.{key}")
    return targets


def _block_targets(layer: MobileViTv2Block, prefix: str) -> list[_Target]:
    targets = _conv_norm_act_targets(layer.local_dw, f"{prefix}.local_rep.0")
    targets += _conv_targets(layer.local_proj, f"{prefix}.local_rep.1.block.conv")
    for index, unit in enumerate(layer.units):
        unit_prefix = f"{prefix}.global_rep.{index}"
        targets += _layer_norm_targets(unit.attn_norm, f"{unit_prefix}.pre_norm_attn.0")
        targets += _conv_targets(unit.attention.qkv_proj, f"{unit_prefix}.pre_norm_attn.1.qkv_proj.block.conv")
        targets += _conv_targets(unit.attention.out_proj, f"{unit_prefix}.pre_norm_attn.1.out_proj.block.conv")
        targets += _layer_norm_targets(unit.ffn_norm, f"{unit_prefix}.pre_norm_ffn.0")
        targets += _conv_targets(unit.ffn_expand, f"{unit_prefix}.pre_norm_ffn.1.block.conv")
        targets += _conv_targets(unit.ffn_reduce, f"{unit_prefix}.pre_norm_ffn.3.block.conv")
    targets += _layer_norm_targets(layer.final_norm, f"{prefix}.global_rep.{len(layer.units)}")
    targets += _conv_norm_act_targets(layer.proj, f"{prefix}.conv_proj")
    return targets


def _model_targets(model: keras.Model, classifier_prefix: str, key_prefix: str = "") -> list[_Target]:
    """Targets of the backbone layers (``conv_1``, ``layer_S_I``) and a ``classifier`` Dense, if any.

    ``key_prefix`` is prepended to the backbone's keys (``encoder.`` in dense-task checkpoints).
    """
    targets = []
    for layer in model.layers:
        match = re.fullmatch(r"layer_(\d+)_(\d+)", layer.name)
        if layer.name == "conv_1" and isinstance(layer, ConvNormAct):
            targets += _conv_norm_act_targets(layer, f"{key_prefix}conv_1")
        elif match and isinstance(layer, InvertedResidual):
            targets += _inverted_residual_targets(layer, f"{key_prefix}layer_{match[1]}.{match[2]}")
        elif match and isinstance(layer, MobileViTv2Block):
            targets += _block_targets(layer, f"{key_prefix}layer_{match[1]}.{match[2]}")
        elif layer.name == "classifier" and isinstance(layer, keras.layers.Dense):
            targets.append(_Target(layer.kernel, f"{classifier_prefix}.weight", lambda w: w.T))
            targets.append(_Target(layer.bias, f"{classifier_prefix}.bias", _identity))
    return targets


def assign_cvnets_state_dict(model: keras.Model, state: dict[str, np.ndarray], source: str = "checkpoint") -> None:
    """Copy an ml-cvnets state dict into ``model``; all or nothing.

    Raises:
        CheckpointError: keys missing or left over, or shapes that differ (with a guess at the
            checkpoint's width or class count when that explains it). The model is untouched then.
    """
    state = {k.removeprefix("module."): v for k, v in state.items() if not k.endswith(_IGNORED_SUFFIXES)}
    classifier_prefix = next((p for p in _CLASSIFIER_PREFIXES if f"{p}.weight" in state), _CLASSIFIER_PREFIXES[0])
    targets = _model_targets(model, classifier_prefix)
    if not targets:
        raise CheckpointError(f"{source}: the model has no MobileViTv2 layers to load into")
    has_top = any(t.key.startswith("classifier") for t in targets)

    ignored = () if has_top else ("classifier",)
    assign_targets(model, state, targets, source, ignored_prefixes=ignored, diagnose=_diagnose)


def assign_targets(
    model: keras.Model,
    state: dict[str, np.ndarray],
    targets: list[_Target],
    source: str,
    ignored_prefixes: tuple[str, ...] = (),
    diagnose: Callable[[keras.Model, dict[str, np.ndarray]], str] | None = None,
) -> None:
    """Check that ``state`` and ``targets`` match key for key and shape for shape, then assign; else raise.

    Checkpoint keys starting with ``ignored_prefixes`` may be left over (a head the model does not have).
    """
    wanted = {t.key for t in targets}
    missing = sorted(wanted - state.keys())
    unexpected = sorted(k for k in state.keys() - wanted if not (ignored_prefixes and k.startswith(ignored_prefixes)))
    problems = []
    if missing:
        problems.append(f"{len(missing)} model weight(s) missing from it, e.g. {_sample(missing)}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected key(s), e.g. {_sample(unexpected)}")
    mismatched = []
    for target in targets:
        if target.key in state:
            value = target.transform(np.asarray(state[target.key]))
            expected = tuple(target.variable.shape)
            if value.shape != expected:
                mismatched.append(f"'{target.key}' is {value.shape} after conversion, model wants {expected}")
    if mismatched:
        problems.append(f"{len(mismatched)} shape mismatch(es): " + "; ".join(mismatched[:3]))
    if problems:
        hint = diagnose(model, state) if diagnose else ""
        raise CheckpointError(f"{source} does not fit model '{model.name}': " + " | ".join(problems) + hint)

    for target in targets:
        value = target.transform(np.asarray(state[target.key]))
        target.variable.assign(value.astype(keras.backend.standardize_dtype(target.variable.dtype)))


def _sample(keys: list[str], count: int = 3) -> str:
    return ", ".join(f"'{k}'" for k in keys[:count]) + (" ..." if len(keys) > count else "")


def _diagnose(model: keras.Model, state: dict[str, np.ndarray]) -> str:
    """A hint naming the likely cause: another width, another class count, or another model family."""
    from keras_mv2.applications.config import PUBLISHED_ALPHAS, stage_widths

    hints = []
    if "conv_1.block.conv.weight" not in state:
        hints.append("it does not look like an ml-cvnets MobileViTv2 classification checkpoint")
    else:
        signature = state_signature(state)
        guesses = [a for a in PUBLISHED_ALPHAS if signature == config_signature(stage_widths(a))]
        model_alpha = infer_alpha(model)
        if guesses and guesses[0] != model_alpha:
            hints.append(f"the checkpoint is for alpha={guesses[0]}, the model is alpha={model_alpha}")
    classifier = next((state[k] for k in ("classifier.1.weight", "classifier.fc.weight") if k in state), None)
    dense = next((layer for layer in model.layers if layer.name == "classifier"), None)
    if classifier is not None and dense is not None and classifier.shape[0] != dense.units:
        hints.append(
            f"the checkpoint's classifier has {classifier.shape[0]} classes, the model {dense.units}: "
            f"build with classes={classifier.shape[0]} or include_top=False"
        )
    return (". Likely cause: " + "; ".join(hints) + ".") if hints else ""


def state_signature(state: dict[str, np.ndarray]) -> tuple:
    keys = ["conv_1.block.conv.weight"] + [f"layer_{s}.0.block.red_1x1.block.conv.weight" for s in range(1, 6)]
    return tuple(state[k].shape[0] if k in state else None for k in keys)


def config_signature(widths: dict) -> tuple:
    return (widths["stem"], *(widths[f"layer_{s}"] for s in range(1, 6)))


def infer_alpha(model: keras.Model) -> float | None:
    """The published width whose channel counts the model has, or ``None``."""
    from keras_mv2.applications.config import PUBLISHED_ALPHAS, stage_widths

    signature = _model_signature(model)
    return next((a for a in PUBLISHED_ALPHAS if config_signature(stage_widths(a)) == signature), None)


def _model_signature(model: keras.Model) -> tuple:
    names = ["conv_1"] + [f"layer_{s}_0" for s in range(1, 6)]
    layers = {layer.name: layer for layer in model.layers}
    out = []
    for name in names:
        layer = layers.get(name)
        out.append(None if layer is None else (layer.conv.filters if name == "conv_1" else layer.filters))
    return tuple(out)
