"""SSD anchor boxes (Liu et al., arXiv 1512.02325) as ml-cvnets' SSD anchor generator lays them out."""

from __future__ import annotations

import math

import numpy as np

# ml-cvnets' COCO configuration for MobileViTv2 SSDLite.
ASPECT_RATIOS = ((2, 3), (2, 3), (2, 3), (2, 3), (2, 3), (2,))
MIN_SCALE, MAX_SCALE = 0.1, 1.05


def anchors_per_location(aspect_ratios: tuple[int, ...]) -> int:
    return 2 + 2 * len(aspect_ratios)


def ssd_anchors(
    feature_sizes: list[tuple[int, int]],
    aspect_ratios: tuple[tuple[int, ...], ...] = ASPECT_RATIOS,
    min_scale: float = MIN_SCALE,
    max_scale: float = MAX_SCALE,
) -> np.ndarray:
    r"""Anchors ``(N, 4)`` as normalised ``(cx, cy, w, h)``, float32, in the order of the heads' outputs.

    Map :math:`i` of :math:`m` has scales :math:`s_i` linearly spaced from ``min_scale`` to
    ``max_scale`` (:math:`m + 1` values). Every cell ``(y, x)`` (rows first) gets, in this order, a square
    of side :math:`s_i`, a square of side :math:`\sqrt{s_i s_{i+1}}`, and for each aspect ratio
    :math:`r` a box :math:`s_i\sqrt{r} \times s_i/\sqrt{r}` and its transpose; all four coordinates are
    clipped to [0, 1]. Computed in float64 and rounded once, like the reference.
    """
    if len(feature_sizes) != len(aspect_ratios):
        raise ValueError(f"{len(feature_sizes)} feature maps but {len(aspect_ratios)} aspect-ratio sets")
    scales = np.linspace(min_scale, max_scale, len(feature_sizes) + 1)
    boxes = []
    for (height, width), ratios, scale, next_scale in zip(
        feature_sizes, aspect_ratios, scales[:-1], scales[1:], strict=True
    ):
        sizes = [(scale, scale), (math.sqrt(scale * next_scale),) * 2]
        for ratio in ratios:
            root = math.sqrt(ratio)
            sizes += [(scale * root, scale / root), (scale / root, scale * root)]
        cy, cx = np.meshgrid((np.arange(height) + 0.5) / height, (np.arange(width) + 0.5) / width, indexing="ij")
        centres = np.stack([cx.ravel(), cy.ravel()], axis=1)  # rows first, then columns
        per_cell = np.array(sizes, dtype=np.float64)
        grid = np.concatenate([np.repeat(centres, len(sizes), axis=0), np.tile(per_cell, (len(centres), 1))], axis=1)
        boxes.append(grid)
    return np.clip(np.concatenate(boxes), 0.0, 1.0).astype(np.float32)
