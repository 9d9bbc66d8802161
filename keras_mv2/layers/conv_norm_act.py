"""Convolution, then BatchNorm, then activation: ml-cvnets' `ConvLayer2d` in Keras."""

from __future__ import annotations

import keras

BATCH_NORM_EPSILON = 1e-5
# PyTorch's momentum 0.1 weighs the new batch; Keras' momentum weighs the running value.
BATCH_NORM_MOMENTUM = 0.9


@keras.saving.register_keras_serializable(package="keras_mv2")
class ConvNormAct(keras.layers.Layer):
    """A 2-D convolution (regular or depthwise) followed by optional BatchNorm and activation.

    Padding is symmetric, ``(k - 1) // 2`` on every side, as in PyTorch. TensorFlow's ``"same"``
    pads a stride-2 convolution of an even-sized input on the bottom/right only, which shifts
    every output pixel by half a step, so strided convolutions get an explicit ``ZeroPadding2D``.

    Args:
        filters: output channels (ignored when ``depthwise=True``: channels are kept).
        kernel_size: square kernel size (odd).
        strides: 1 or 2.
        dilation_rate: dilation of a stride-1 convolution (dense-prediction backbones); "same" padding
            is then symmetric too, ``(k - 1) // 2 * dilation`` on every side.
        depthwise: use a depthwise convolution (one filter per input channel).
        use_norm: add BatchNorm (eps 1e-5) after the convolution.
        activation: activation after the norm, or ``None``.
        use_bias: add a bias to the convolution; defaults to ``not use_norm``.
    """

    def __init__(
        self,
        filters: int | None = None,
        kernel_size: int = 1,
        strides: int = 1,
        dilation_rate: int = 1,
        depthwise: bool = False,
        use_norm: bool = True,
        activation: str | None = "silu",
        use_bias: bool | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not depthwise and not filters:
            raise ValueError("ConvNormAct needs `filters` unless depthwise=True.")
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        if dilation_rate > 1 and strides > 1:
            raise ValueError("ConvNormAct: a convolution is either strided or dilated, not both.")
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.dilation_rate = dilation_rate
        self.depthwise = depthwise
        self.use_norm = use_norm
        self.activation = activation
        self.use_bias = (not use_norm) if use_bias is None else use_bias

        pad = (kernel_size - 1) // 2
        explicit_pad = strides > 1 and pad > 0
        self.pad = keras.layers.ZeroPadding2D(pad, name="pad", dtype=self.dtype_policy) if explicit_pad else None
        conv_padding = "valid" if explicit_pad else "same"
        if depthwise:
            self.conv = keras.layers.DepthwiseConv2D(
                kernel_size,
                strides,
                conv_padding,
                dilation_rate=dilation_rate,
                use_bias=self.use_bias,
                name="conv",
                dtype=self.dtype_policy,
            )
        else:
            self.conv = keras.layers.Conv2D(
                filters, kernel_size, strides, conv_padding, dilation_rate=dilation_rate, use_bias=self.use_bias,
                name="conv", dtype=self.dtype_policy,
            )  # fmt: skip
        self.norm = (
            keras.layers.BatchNormalization(
                epsilon=BATCH_NORM_EPSILON, momentum=BATCH_NORM_MOMENTUM, name="norm", dtype=self.dtype_policy
            )
            if use_norm
            else None
        )
        self.act = keras.layers.Activation(activation, name="act", dtype=self.dtype_policy) if activation else None

    def build(self, input_shape):
        shape = input_shape
        if self.pad is not None:
            self.pad.build(shape)
            shape = self.pad.compute_output_shape(shape)
        self.conv.build(shape)
        shape = self.conv.compute_output_shape(shape)
        if self.norm is not None:
            self.norm.build(shape)
        self.built = True

    def call(self, inputs, training=None):
        x = inputs
        if self.pad is not None:
            x = self.pad(x)
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x, training=training)
        if self.act is not None:
            x = self.act(x)
        return x

    def compute_output_shape(self, input_shape):
        shape = input_shape
        if self.pad is not None:
            shape = self.pad.compute_output_shape(shape)
        return self.conv.compute_output_shape(shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            filters=self.filters,
            kernel_size=self.kernel_size,
            strides=self.strides,
            dilation_rate=self.dilation_rate,
            depthwise=self.depthwise,
            use_norm=self.use_norm,
            activation=self.activation,
            use_bias=self.use_bias,
        )
        return config
