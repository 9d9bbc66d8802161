"""Unfold a feature map into per-patch-position token sets and fold it back, with 4-D ops only.

ml-cvnets unfolds ``(B, C, H, W)`` into ``(B, C, P, N)``: ``P = p*p`` pixel positions inside a patch,
``N`` patches. Everything MobileViTv2 does between unfold and fold is either per token (1x1
convolutions, element-wise ops), over the whole sample (the one-group norm) or a sum/softmax over
``N`` separately for each of the ``P`` positions. None of it depends on the order of the ``N``
tokens, so any layout that keeps the ``P`` positions apart is equivalent. We use ``(B, N, P, C)``,
reached with reshapes, one split and one concatenation of rank-4 tensors: no rank-5/6 reshape or
transpose, no space-to-depth, all TFLite builtins that XNNPACK and the Edge TPU accept.
"""

from __future__ import annotations

from keras import ops


def image_to_patches(x, patch_size: int = 2):
    """``(B, H, W, C)`` with H, W multiples of ``patch_size`` -> ``(B, N, patch_size**2, C)``."""
    _, height, width, channels = tensor_shape(x)
    p = patch_size
    # Row pairs side by side: axis 2 indexes (row-in-patch, column).
    rows = ops.reshape(x, (-1, height // p, p * width, channels))
    pieces = []
    for row in ops.split(rows, p, axis=2):  # one (B, H/p, W, C) map per row-in-patch
        # Axis 1 indexes patches, axis 2 the column-in-patch.
        pieces.append(ops.reshape(row, (-1, (height // p) * (width // p), p, channels)))
    return ops.concatenate(pieces, axis=2) if p > 1 else pieces[0]


def patches_to_image(x, height, width, patch_size: int = 2):
    """Inverse of :func:`image_to_patches`: ``(B, N, patch_size**2, C)`` -> ``(B, H, W, C)``."""
    channels = tensor_shape(x)[-1]
    p = patch_size
    rows = [
        ops.reshape(piece, (-1, height // p, width, channels)) for piece in (ops.split(x, p, axis=2) if p > 1 else [x])
    ]
    stacked = ops.concatenate(rows, axis=2) if p > 1 else rows[0]
    return ops.reshape(stacked, (-1, height, width, channels))


def tensor_shape(x):
    """Static dimensions where known, dynamic scalars where not (TensorFlow graphs with None sides)."""
    static = tuple(x.shape)
    if all(dim is not None for dim in static[1:]):
        return static
    dynamic = ops.shape(x)
    return tuple(s if s is not None else dynamic[i] for i, s in enumerate(static))
