"""One MobileViTv2 transformer unit: pre-norm separable attention and pre-norm FFN, each with a residual."""

from __future__ import annotations

import keras

from keras_mv2.layers.layer_norm_2d import LayerNorm2D
from keras_mv2.layers.separable_self_attention import SeparableSelfAttention


@keras.saving.register_keras_serializable(package="keras_mv2")
class SeparableAttentionFFN(keras.layers.Layer):
    r"""ml-cvnets' ``LinearAttnFFN`` on tokens ``(B, N, P, d)``.

    .. math::

        x &\leftarrow x + \operatorname{SepAttn}(\operatorname{LN}(x)) \\
        x &\leftarrow x + W_2\,\operatorname{SiLU}(W_1 \operatorname{LN}(x) + b_1) + b_2

    ``LN`` is the one-group :class:`LayerNorm2D` over all tokens and channels of a sample.

    Args:
        ffn_dim: hidden width of the FFN (MobileViTv2: ``2 * d`` rounded down to a multiple of 16).
        dropout: dropout rate after the attention and inside/after the FFN (0 at inference).
    """

    def __init__(self, ffn_dim: int, dropout: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.ffn_dim = ffn_dim
        self.dropout = dropout
        self.attn_norm = LayerNorm2D(name="attn_norm", dtype=self.dtype_policy)
        self.attention = SeparableSelfAttention(name="attention", dtype=self.dtype_policy)
        self.ffn_norm = LayerNorm2D(name="ffn_norm", dtype=self.dtype_policy)
        self.ffn_expand = keras.layers.Conv2D(ffn_dim, 1, activation="silu", name="ffn_expand", dtype=self.dtype_policy)
        self.ffn_reduce = None  # its width is the input's, known at build time
        self.drop = keras.layers.Dropout(dropout, name="dropout", dtype=self.dtype_policy)

    def build(self, input_shape):
        embed_dim = input_shape[-1]
        self.ffn_reduce = keras.layers.Conv2D(embed_dim, 1, name="ffn_reduce", dtype=self.dtype_policy)
        for layer in (self.attn_norm, self.attention, self.ffn_norm, self.ffn_expand):
            layer.build(input_shape)
        self.ffn_reduce.build((*input_shape[:-1], self.ffn_dim))
        self.built = True

    def call(self, inputs, training=None):
        x = inputs + self.drop(self.attention(self.attn_norm(inputs)), training=training)
        hidden = self.drop(self.ffn_expand(self.ffn_norm(x)), training=training)
        return x + self.drop(self.ffn_reduce(hidden), training=training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(ffn_dim=self.ffn_dim, dropout=self.dropout)
        return config
