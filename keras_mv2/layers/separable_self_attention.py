"""Separable self-attention (MobileViTv2, arXiv 2206.02680, section 3.2)."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_mv2")
class SeparableSelfAttention(keras.layers.Layer):
    r"""Separable self-attention: linear in the number of tokens ``k``.

    For tokens :math:`x \in \mathbb{R}^{k \times d}`:

    .. math::

        [\,q \mid K \mid V\,] = x W_{qkv} + b_{qkv}, \qquad q \in \mathbb{R}^{k \times 1},\;
        K, V \in \mathbb{R}^{k \times d}

        c_s = \operatorname{softmax}_k(q), \qquad
        c_v = \sum_{i=1}^{k} c_s(i)\, K(i) \in \mathbb{R}^{d}

        y = \big(\operatorname{ReLU}(V) \odot c_v\big) W_o + b_o

    No :math:`k \times k` matrix is formed: cost is :math:`O(k d)`.

    Input: ``(batch, tokens, d)`` or ``(batch, tokens, groups, d)``. Tokens are on axis 1; with a
    group axis every group gets its own softmax and context vector (MobileViTv2 uses one group per
    pixel position inside a patch) while sharing the projections. The projections are 1x1
    convolutions, which TFLite lowers to CONV_2D.

    The softmax's normalisation is applied to the context vector rather than to every score,
    :math:`c_v = \sum_i e_i K(i) / \sum_i e_i` with :math:`e_i = \exp(q_i - \max q)`: the same value,
    ``d`` divisions instead of ``k``, and no softmax over a non-last axis (which TFLite brackets with
    two transposes and which int8 quantises with a fixed 1/256 step).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.qkv_proj = None
        self.out_proj = None

    def build(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "SeparableSelfAttention expects (batch, tokens, d) or (batch, tokens, groups, d), "
                f"got shape {input_shape}."
            )
        self.embed_dim = int(input_shape[-1])
        shape4 = tuple(input_shape) if len(input_shape) == 4 else (*input_shape[:2], 1, input_shape[2])
        self.qkv_proj = keras.layers.Conv2D(1 + 2 * self.embed_dim, 1, name="qkv_proj")
        self.out_proj = keras.layers.Conv2D(self.embed_dim, 1, name="out_proj")
        self.qkv_proj.build(shape4)
        self.out_proj.build((*shape4[:-1], self.embed_dim))
        self.built = True

    def call(self, inputs):
        x = inputs if len(inputs.shape) == 4 else ops.expand_dims(inputs, 2)
        d = self.embed_dim
        qkv = self.qkv_proj(x)
        query, key, value = ops.split(qkv, [1, 1 + d], axis=-1)
        scores = ops.exp(query - ops.max(query, axis=1, keepdims=True))
        context = ops.sum(key * scores, axis=1, keepdims=True) / ops.sum(scores, axis=1, keepdims=True)
        outputs = self.out_proj(ops.relu(value) * context)
        return outputs if len(inputs.shape) == 4 else ops.squeeze(outputs, 2)

    def compute_output_shape(self, input_shape):
        return input_shape
