"""MobileNetV2's inverted residual, as MobileViTv2 uses it."""

from __future__ import annotations

import keras

from keras_mv2.layers.conv_norm_act import ConvNormAct
from keras_mv2.layers.make_divisible import make_divisible


@keras.saving.register_keras_serializable(package="keras_mv2")
class InvertedResidual(keras.layers.Layer):
    r"""Expand, filter, project: ``1x1 -> BN -> SiLU -> dw3x3(stride) -> BN -> SiLU -> 1x1 -> BN``.

    .. math:: y = [x +]\; \operatorname{BN}(W_r\, \sigma(\operatorname{BN}(D_s\,
              \sigma(\operatorname{BN}(W_e x)))))

    The residual is added only when ``strides == 1`` and input and output widths match. The hidden
    width is ``make_divisible(round(C_in * expand_ratio), 8)``; with ``expand_ratio == 1`` the
    expansion is skipped.
    """

    def __init__(self, filters: int, strides: int = 1, expand_ratio: float = 2.0, dilation_rate: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.strides = strides
        self.expand_ratio = expand_ratio
        self.dilation_rate = dilation_rate
        self.exp_1x1 = None
        self.conv_3x3 = ConvNormAct(
            kernel_size=3,
            strides=strides,
            dilation_rate=dilation_rate,
            depthwise=True,
            name="conv_3x3",
            dtype=self.dtype_policy,
        )
        self.red_1x1 = ConvNormAct(filters, 1, activation=None, name="red_1x1", dtype=self.dtype_policy)

    def build(self, input_shape):
        in_channels = input_shape[-1]
        hidden = make_divisible(round(in_channels * self.expand_ratio), 8)
        self.use_residual = self.strides == 1 and in_channels == self.filters
        shape = input_shape
        if self.expand_ratio != 1:
            self.exp_1x1 = ConvNormAct(hidden, 1, name="exp_1x1", dtype=self.dtype_policy)
            self.exp_1x1.build(shape)
            shape = (*shape[:-1], hidden)
        self.conv_3x3.build(shape)
        shape = self.conv_3x3.compute_output_shape(shape)
        self.red_1x1.build(shape)
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        if self.exp_1x1 is not None:
            x = self.exp_1x1(x, training=training)
        x = self.conv_3x3(x, training=training)
        x = self.red_1x1(x, training=training)
        return inputs + x if self.use_residual else x

    def get_config(self):
        config = super().get_config()
        config.update(
            filters=self.filters, strides=self.strides, expand_ratio=self.expand_ratio, dilation_rate=self.dilation_rate
        )
        return config
