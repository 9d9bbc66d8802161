"""Bilinear resize with ``align_corners=True``, as ml-cvnets applies to odd-sized feature maps."""

from __future__ import annotations

import keras
from keras import ops


def resize_bilinear_align_corners(x, height, width):
    """Resize ``(B, H, W, C)`` to ``(B, height, width, C)``, corner pixels aligned, in ``x``'s dtype.

    Output pixel ``i`` samples input position ``i * (H - 1) / (height - 1)``, as PyTorch's
    ``interpolate(mode="bilinear", align_corners=True)``; ``keras.ops.image.resize`` has no such mode.
    On TensorFlow we call the ResizeBilinear kernel directly, so a float32 TFLite graph gets one
    RESIZE_BILINEAR builtin. That kernel computes in float32 whatever its input, which would cap a
    float64 model at float32 accuracy: float64, and every other backend, interpolates with two gathers
    per axis instead.
    """
    dtype = keras.backend.standardize_dtype(x.dtype)
    if keras.backend.backend() == "tensorflow" and dtype != "float64":
        import tensorflow as tf

        resized = tf.raw_ops.ResizeBilinear(
            images=x, size=tf.stack([height, width]), align_corners=True, half_pixel_centers=False
        )
        return resized if dtype == "float32" else ops.cast(resized, dtype)  # the kernel returns float32
    x = _interpolate_axis(x, height, axis=1)
    return _interpolate_axis(x, width, axis=2)


def _interpolate_axis(x, new_size, axis: int):
    """Align-corners linear interpolation along ``axis`` to ``new_size`` (an int, or a tensor while tracing).

    Source positions are computed as PyTorch does (its "opmath" type): in float64 for float64 input,
    else in float32; the interpolation itself runs in ``x``'s dtype.
    """
    dtype = keras.backend.standardize_dtype(x.dtype)
    position_dtype = "float64" if dtype == "float64" else "float32"
    old_size = x.shape[axis]
    if old_size is None:  # a size-agnostic model being traced
        old_size = ops.shape(x)[axis]
    elif isinstance(new_size, int) and old_size == new_size:
        return x
    last = ops.cast(old_size - 1, position_dtype)
    scale = last / ops.cast(ops.maximum(new_size - 1, 1), position_dtype)
    position = ops.arange(new_size, dtype=position_dtype) * scale
    lower = ops.minimum(ops.floor(position), last)
    fraction = ops.cast(position - lower, dtype)
    lower = ops.cast(lower, "int32")
    upper = ops.minimum(lower + 1, ops.cast(last, "int32"))
    shape = [1, 1, 1, 1]
    shape[axis] = -1
    fraction = ops.reshape(fraction, shape)
    below = ops.take(x, lower, axis=axis)
    above = ops.take(x, upper, axis=axis)
    return below + (above - below) * fraction
