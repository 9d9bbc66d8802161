"""MobileViTv2's architecture as data: one row per stage, widths scaled by ``alpha``, and the published widths."""

from __future__ import annotations

from dataclasses import dataclass

from keras_mv2.layers.make_divisible import make_divisible

# The seven widths Apple published checkpoints for.
PUBLISHED_ALPHAS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


@dataclass(frozen=True)
class Stage:
    """One stage: ``num_inverted_residuals`` inverted residuals (the first with ``stride``), then
    optionally a MobileViTv2 block with ``attention_units`` units of width ``attention_dim``."""

    name: str
    channels: int  # at alpha = 1
    channel_divisor: int
    num_inverted_residuals: int
    stride: int
    attention_dim: int | None = None  # at alpha = 1
    attention_units: int = 0


STEM_CHANNELS = 32  # at alpha = 1, clipped to [16, 64] before rounding
EXPAND_RATIO = 2.0
FFN_MULTIPLIER = 2.0
PATCH_SIZE = 2

STAGES = (
    Stage("layer_1", 64, 16, 1, 1),
    Stage("layer_2", 128, 8, 2, 2),
    Stage("layer_3", 256, 8, 1, 2, attention_dim=128, attention_units=2),
    Stage("layer_4", 384, 8, 1, 2, attention_dim=192, attention_units=4),
    Stage("layer_5", 512, 8, 1, 2, attention_dim=256, attention_units=3),
)

# Output stride of each stage, for feature extraction.
STAGE_STRIDES = {"layer_1": 2, "layer_2": 4, "layer_3": 8, "layer_4": 16, "layer_5": 32}


def stage_widths(alpha: float) -> dict[str, int]:
    """Channels of the stem and of each stage (``layer_N``) and attention widths (``attention_N``)."""
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    widths = {"stem": make_divisible(min(max(STEM_CHANNELS * alpha, 16), 64), 8, min_value=16)}
    for stage in STAGES:
        widths[stage.name] = make_divisible(stage.channels * alpha, stage.channel_divisor)
        if stage.attention_dim:
            widths[stage.name.replace("layer", "attention")] = make_divisible(stage.attention_dim * alpha, 8)
    return widths


def width_signature(widths: dict[str, int]) -> tuple[int, ...]:
    """The output channels of the stem and the five stages: what tells one width from another in weights."""
    return (widths["stem"], *(widths[stage.name] for stage in STAGES))


def published_alpha(signature: tuple) -> float | None:
    """The published width whose :func:`width_signature` is ``signature``, or ``None``."""
    return next((a for a in PUBLISHED_ALPHAS if width_signature(stage_widths(a)) == tuple(signature)), None)
