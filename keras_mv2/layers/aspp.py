"""Atrous spatial pyramid pooling (DeepLabv3, Chen et al., arXiv 1706.05587), as ml-cvnets builds it."""

from __future__ import annotations

import keras
from keras import ops

from keras_mv2.layers.conv_norm_act import ConvNormAct


@keras.saving.register_keras_serializable(package="keras_mv2")
class ASPP(keras.layers.Layer):
    r"""Five parallel views of a feature map, concatenated and projected.

    .. math::
        y = P\big([\,B_0 x \mid B_{r_1} x \mid B_{r_2} x \mid B_{r_3} x \mid
            \operatorname{up}(B_g\, \operatorname{avgpool}(x))\,]\big)

    :math:`B_0` is a 1x1 convolution, :math:`B_r` a 3x3 convolution with dilation :math:`r`,
    :math:`B_g` a 1x1 convolution of the global average, broadcast back to every position (the
    bilinear upsampling of a 1x1 map is a broadcast), and :math:`P` a 1x1 projection. Every
    convolution is followed by BatchNorm and ReLU and has no bias. Dropout follows the projection.
    """

    def __init__(self, filters: int = 512, rates: tuple[int, ...] = (6, 12, 18), dropout: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.rates = tuple(rates)
        self.dropout = dropout
        self.branches = [ConvNormAct(filters, 1, activation="relu", name="branch_1x1", dtype=self.dtype_policy)]
        self.branches += [
            ConvNormAct(
                filters, 3, dilation_rate=rate, activation="relu", name=f"branch_rate_{rate}", dtype=self.dtype_policy
            )
            for rate in rates
        ]
        self.pool_conv = ConvNormAct(filters, 1, activation="relu", name="pool_conv", dtype=self.dtype_policy)
        self.project = ConvNormAct(filters, 1, activation="relu", name="project", dtype=self.dtype_policy)
        self.drop = keras.layers.Dropout(dropout, name="dropout", dtype=self.dtype_policy)

    def build(self, input_shape):
        for branch in self.branches:
            branch.build(input_shape)
        self.pool_conv.build((input_shape[0], 1, 1, input_shape[-1]))
        self.project.build((*input_shape[:-1], self.filters * (len(self.branches) + 1)))
        self.built = True

    def call(self, inputs, training=None):
        views = [branch(inputs, training=training) for branch in self.branches]
        pooled = self.pool_conv(ops.mean(inputs, axis=(1, 2), keepdims=True), training=training)
        views.append(ops.broadcast_to(pooled, ops.shape(views[0])))
        x = self.project(ops.concatenate(views, axis=-1), training=training)
        return self.drop(x, training=training)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, rates=self.rates, dropout=self.dropout)
        return config
