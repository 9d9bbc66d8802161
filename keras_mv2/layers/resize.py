"""Bilinear resize with ``align_corners=True``, as ml-cvnets applies to odd-sized feature maps."""

from __future__ import annotations

import keras
from keras import ops


def resize_bilinear_align_corners(x, height, width):
    """Resize ``(B, H, W, C)`` to ``(B, height, width, C)``, corner pixels aligned.

    Output pixel ``i`` samples input position ``i * (H - 1) / (height - 1)``. ``keras.ops.image.resize``
    has no align-corners mode, so on TensorFlow we call the ResizeBilinear kernel directly (TFLite:
    one RESIZE_BILINEAR with ``align_corners``); other backends interpolate with two gathers per axis.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.raw_ops.ResizeBilinear(
            images=x, size=tf.stack([height, width]), align_corners=True, half_pixel_centers=False
        )
    x = _interpolate_axis(x, height, axis=1)
    return _interpolate_axis(x, width, axis=2)


def _interpolate_axis(x, new_size: int, axis: int):
    old_size = x.shape[axis]
    if old_size == new_size:
        return x
    scale = (old_size - 1) / (new_size - 1) if new_size > 1 else 0.0
    position = ops.arange(new_size, dtype="float32") * scale
    lower = ops.minimum(ops.floor(position), old_size - 1)
    fraction = position - lower
    lower = ops.cast(lower, "int32")
    upper = ops.minimum(lower + 1, old_size - 1)
    shape = [1, 1, 1, 1]
    shape[axis] = new_size
    fraction = ops.cast(ops.reshape(fraction, shape), x.dtype)
    below = ops.take(x, lower, axis=axis)
    above = ops.take(x, upper, axis=axis)
    return below + (above - below) * fraction
