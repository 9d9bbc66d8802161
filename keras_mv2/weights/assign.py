"""The key-assignment engine: checkpoint arrays onto Keras variables, checked in full before any is written.

A key map (``cvnets_keys``, ``dense_keys``) lists :class:`Target` s: which variable takes which
checkpoint key, through which layout change (PyTorch's ``OIHW`` kernels become Keras' ``HWIO``).
:func:`check_targets` checks that the checkpoint and the targets match key for key and shape for shape;
only then does :func:`write_targets` assign, so a checkpoint that does not fit leaves the model untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from keras_mv2.layers import ConvNormAct, LayerNorm2D
from keras_mv2.utils.console import printable
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.validate import IGNORED_SUFFIXES, check_state_dict


@dataclass(frozen=True)
class Target:
    """One model variable, the checkpoint key it takes, and the layout change on the way."""

    variable: keras.Variable
    key: str
    transform: Callable[[np.ndarray], np.ndarray]


def conv_kernel(w: np.ndarray) -> np.ndarray:
    """PyTorch ``(O, I, kh, kw)`` -> Keras ``(kh, kw, I, O)``."""
    return w.transpose(2, 3, 1, 0)


def depthwise_kernel(w: np.ndarray) -> np.ndarray:
    """PyTorch ``(C, 1, kh, kw)`` -> Keras ``(kh, kw, C, 1)``."""
    return w.transpose(2, 3, 0, 1)


def identity(w: np.ndarray) -> np.ndarray:
    return w


def linear_kernel(w: np.ndarray) -> np.ndarray:
    """PyTorch ``Linear`` ``(out, in)`` -> Keras ``Dense`` ``(in, out)``."""
    return w.T


def conv_targets(conv: keras.layers.Layer, prefix: str) -> list[Target]:
    """A ``Conv2D`` / ``DepthwiseConv2D`` and its bias under ``prefix.weight`` / ``prefix.bias``."""
    depthwise = isinstance(conv, keras.layers.DepthwiseConv2D)
    targets = [Target(conv.kernel, f"{prefix}.weight", depthwise_kernel if depthwise else conv_kernel)]
    if conv.use_bias:
        targets.append(Target(conv.bias, f"{prefix}.bias", identity))
    return targets


def conv_norm_act_targets(layer: ConvNormAct, prefix: str) -> list[Target]:
    """ml-cvnets' ``ConvLayer``: ``prefix.block.conv`` and ``prefix.block.norm`` (BatchNorm with statistics)."""
    targets = conv_targets(layer.conv, f"{prefix}.block.conv")
    if layer.norm is not None:
        norm = layer.norm
        for variable, name in (
            (norm.gamma, "weight"),
            (norm.beta, "bias"),
            (norm.moving_mean, "running_mean"),
            (norm.moving_variance, "running_var"),
        ):
            targets.append(Target(variable, f"{prefix}.block.norm.{name}", identity))
    return targets


def layer_norm_targets(layer: LayerNorm2D, prefix: str) -> list[Target]:
    return [Target(layer.gamma, f"{prefix}.weight", identity), Target(layer.beta, f"{prefix}.bias", identity)]


def without_ignored(state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``state`` without DataParallel's ``module.`` prefix and without entries that hold no model state."""
    return {k.removeprefix("module."): v for k, v in state.items() if not k.endswith(IGNORED_SUFFIXES)}


def check_targets(
    model: keras.Model,
    state: dict[str, np.ndarray],
    targets: list[Target],
    source: str,
    ignored_prefixes: tuple[str, ...] = (),
    diagnose: Callable[[keras.Model, dict[str, np.ndarray]], str] | None = None,
) -> None:
    """Raise :class:`CheckpointError` unless ``state`` and ``targets`` match key for key and shape for shape.

    Checkpoint keys starting with ``ignored_prefixes`` may be left over (a head the model does not have).
    ``diagnose`` may add a sentence naming the likely cause (another width, another class count).
    """
    check_state_dict(state, source)
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
            value, expected = state[target.key], tuple(target.variable.shape)
            if value.ndim != len(expected):  # before the layout change, which assumes the rank
                mismatched.append(f"'{target.key}' has rank {value.ndim} {value.shape}, model wants {expected}")
                continue
            shape = target.transform(value).shape
            if shape != expected:
                mismatched.append(f"'{target.key}' is {shape} after conversion, model wants {expected}")
    if mismatched:
        problems.append(f"{len(mismatched)} shape mismatch(es): " + "; ".join(mismatched[:3]))
    if problems:
        hint = diagnose(model, state) if diagnose else ""
        raise CheckpointError(f"{source} does not fit model '{model.name}': " + " | ".join(problems) + hint)


def write_targets(state: dict[str, np.ndarray], targets: list[Target]) -> None:
    """Copy every target's value into its variable, in the variable's dtype (after :func:`check_targets`).

    Every value is converted before the first is assigned, so nothing can fail half-way through.
    """
    values = [
        target.transform(np.asarray(state[target.key])).astype(keras.backend.standardize_dtype(target.variable.dtype))
        for target in targets
    ]
    for target, value in zip(targets, values, strict=True):
        target.variable.assign(value)


def _sample(keys: list[str], count: int = 3) -> str:
    return ", ".join(f"'{printable(k)}'" for k in keys[:count]) + (" ..." if len(keys) > count else "")
