"""One-group LayerNorm over channels and space (ml-cvnets' `layer_norm_2d`, i.e. GroupNorm(1, C))."""

from __future__ import annotations

import keras
from keras import ops

# XNNPACK's int8 sums on AVX2 add pairs of values into 16-bit lanes over blocks of 16,384: a reduction of
# more than this many contiguous values overflows once their mean magnitude passes 64 (see the README).
INT8_SAFE_REDUCTION = 8192


def mean_over_sample(x):
    """The mean over every axis but the batch axis (kept as size 1), one axis at a time: channels first, then
    the others in order.

    Equal-sized groups make the mean of the per-axis means the overall mean. One reduction over all axes
    would become a single int8 MEAN over ``H * W * C`` contiguous values in a quantised LiteRT model, which
    XNNPACK's AVX2 (x86) sum kernel gets wrong beyond :data:`INT8_SAFE_REDUCTION` values. Reducing the
    channels first leaves contiguous sums of at most ``max(C, last spatial side)`` values; the other axes
    are strided sums, whose kernel widens to 32 bits every 252 rows.
    """
    rank = len(x.shape)
    x = ops.mean(x, axis=-1, keepdims=True)
    for axis in range(1, rank - 1):
        x = ops.mean(x, axis=axis, keepdims=True)
    return x


@keras.saving.register_keras_serializable(package="keras_mv2")
class LayerNorm2D(keras.layers.Layer):
    r"""Normalise each sample over all of its positions and channels, then scale and shift per channel.

    .. math::

        \mu = \operatorname{mean}_{h,w,c}(x), \quad
        \sigma^2 = \operatorname{mean}_{h,w,c}\big((x-\mu)^2\big), \quad
        y = \gamma_c \, \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta_c

    This is GroupNorm with a single group, not a per-position LayerNorm: the statistics are shared
    by every token of the sample. Works on any rank >= 2 with channels last.

    The variance is written as a mean of ``d * d`` rather than with ``square``/``GroupNormalization``:
    the TFLite converter keeps SQUARE and NEG in float inside a full-integer model and cannot convert
    them to int16x8, while MUL, MEAN and RSQRT quantise cleanly.

    Each mean is taken one axis at a time (:func:`mean_over_sample`), which is the same number but keeps
    every int8 MEAN of a LiteRT export within what all of XNNPACK's kernels sum correctly.
    """

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        channels = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(channels,), initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(channels,), initializer="zeros")
        self.built = True

    def call(self, inputs):
        x = inputs
        if keras.backend.standardize_dtype(x.dtype) in ("float16", "bfloat16"):
            x = ops.cast(x, "float32")  # statistics of half-precision activations overflow
        centred = x - mean_over_sample(x)
        variance = mean_over_sample(centred * centred)
        normalised = centred * ops.rsqrt(variance + self.epsilon)
        outputs = normalised * ops.cast(self.gamma, x.dtype) + ops.cast(self.beta, x.dtype)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(epsilon=self.epsilon)
        return config
