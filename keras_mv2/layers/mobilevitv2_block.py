"""The MobileViTv2 block: local convolutions, separable-attention transformer on patches, projection."""

from __future__ import annotations

import keras

from keras_mv2.layers.attention_ffn import SeparableAttentionFFN
from keras_mv2.layers.conv_norm_act import ConvNormAct
from keras_mv2.layers.layer_norm_2d import LayerNorm2D
from keras_mv2.layers.patches import image_to_patches, patches_to_image, tensor_shape
from keras_mv2.layers.resize import resize_bilinear_align_corners


@keras.saving.register_keras_serializable(package="keras_mv2")
class MobileViTv2Block(keras.layers.Layer):
    r"""ml-cvnets' ``MobileViTBlockv2`` on NHWC maps.

    .. math::

        x &\leftarrow \operatorname{resize}_{\text{align corners}}(x)
              \quad\text{only if } H \text{ or } W \text{ is not a multiple of the patch} \\
        z &= W_{1\times1}\,\operatorname{SiLU}(\operatorname{BN}(\operatorname{DW}_{3\times3}\,x))
              \qquad (C \to d) \\
        t &= \operatorname{LN}\big(\mathcal{T}_n \circ \dots \circ \mathcal{T}_1(\operatorname{unfold}(z))\big)
              \qquad \mathcal{T}_i = \text{SeparableAttentionFFN} \\
        y &= \operatorname{BN}(W_p\, \operatorname{fold}(t)) \qquad (d \to C)

    No residual or fusion around the block. An odd-sized input is resized up to the next multiple
    of the patch and the output keeps that size, as in the reference.

    Args:
        attention_dim: ``d``, the width of the attention units.
        num_units: number of attention units ``n``.
        ffn_multiplier: FFN width is ``int(ffn_multiplier * d // 16 * 16)``.
        patch_size: side of the square patch (MobileViTv2 uses 2).
        dropout: dropout inside the attention units.
        dilation_rate: dilation of the local depthwise convolution (dense backbones at output stride 16/8).
    """

    def __init__(
        self,
        attention_dim: int,
        num_units: int,
        ffn_multiplier: float = 2.0,
        patch_size: int = 2,
        dropout: float = 0.0,
        dilation_rate: int = 1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.dilation_rate = dilation_rate
        self.attention_dim = attention_dim
        self.num_units = num_units
        self.ffn_multiplier = ffn_multiplier
        self.patch_size = patch_size
        self.dropout = dropout
        ffn_dim = int((ffn_multiplier * attention_dim) // 16 * 16)
        self.local_dw = ConvNormAct(
            kernel_size=3, dilation_rate=dilation_rate, depthwise=True, name="local_dw", dtype=self.dtype_policy
        )
        self.local_proj = keras.layers.Conv2D(
            attention_dim, 1, use_bias=False, name="local_proj", dtype=self.dtype_policy
        )
        self.units = [
            SeparableAttentionFFN(ffn_dim, dropout=dropout, name=f"unit_{i}", dtype=self.dtype_policy)
            for i in range(num_units)
        ]
        self.final_norm = LayerNorm2D(name="final_norm", dtype=self.dtype_policy)
        self.proj = None  # projects back to the input width, known at build time

    def build(self, input_shape):
        batch, height, width, channels = input_shape
        height, width = self._padded_size(height), self._padded_size(width)
        self.proj = ConvNormAct(channels, 1, activation=None, name="proj", dtype=self.dtype_policy)
        self.local_dw.build((batch, height, width, channels))
        self.local_proj.build((batch, height, width, channels))
        tokens = None if height is None or width is None else (height // self.patch_size) * (width // self.patch_size)
        token_shape = (batch, tokens, self.patch_size**2, self.attention_dim)
        for unit in self.units:
            unit.build(token_shape)
        self.final_norm.build(token_shape)
        self.proj.build((batch, height, width, self.attention_dim))
        self.built = True

    def _padded_size(self, size):
        """``size`` rounded up to a multiple of the patch size (a Python int, or a scalar tensor while tracing)."""
        if size is None:
            return None
        return -(-size // self.patch_size) * self.patch_size

    def call(self, inputs, training=None):
        x = inputs
        _, height, width, _ = tensor_shape(x)
        new_height, new_width = self._padded_size(height), self._padded_size(width)
        known = isinstance(height, int) and isinstance(width, int)
        if not known or (new_height, new_width) != (height, width):
            # A size unknown while tracing is resized too: an exact identity when it is already even.
            x = resize_bilinear_align_corners(x, new_height, new_width)
        x = self.local_dw(x, training=training)
        x = self.local_proj(x)
        tokens = image_to_patches(x, self.patch_size)
        for unit in self.units:
            tokens = unit(tokens, training=training)
        tokens = self.final_norm(tokens)
        x = patches_to_image(tokens, new_height, new_width, self.patch_size)
        return self.proj(x, training=training)

    def get_config(self):
        config = super().get_config()
        config.update(
            attention_dim=self.attention_dim,
            num_units=self.num_units,
            ffn_multiplier=self.ffn_multiplier,
            patch_size=self.patch_size,
            dropout=self.dropout,
            dilation_rate=self.dilation_rate,
        )
        return config
