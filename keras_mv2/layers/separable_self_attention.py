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
    :math:`c_v = \operatorname{mean}_i(e_i K(i)) / \operatorname{mean}_i(e_i)` with
    :math:`e_i = \exp(q_i - \max q)`: the same value,
    ``d`` multiplications instead of ``k`` divisions, and no softmax over a non-last axis (which TFLite
    brackets with two transposes and which int8 quantises with a fixed 1/256 step).
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
        self.qkv_proj = keras.layers.Conv2D(1 + 2 * self.embed_dim, 1, name="qkv_proj", dtype=self.dtype_policy)
        self.out_proj = keras.layers.Conv2D(self.embed_dim, 1, name="out_proj", dtype=self.dtype_policy)
        self.qkv_proj.build(shape4)
        self.out_proj.build((*shape4[:-1], self.embed_dim))
        self.built = True

    def call(self, inputs):
        x = inputs if len(inputs.shape) == 4 else ops.expand_dims(inputs, 2)
        d = self.embed_dim
        # One weight tensor (ml-cvnets' layout) applied as three convolutions: each output then gets its own
        # quantisation range (a shared one leaves the single query channel a few int8 steps), and no uneven
        # SPLIT_V, which the Edge TPU lacks, is needed.
        kernel, bias = self.qkv_proj.kernel, self.qkv_proj.bias
        query, key, value = (
            ops.conv(x, kernel[..., start:stop]) + bias[start:stop]
            for start, stop in ((0, 1), (1, 1 + d), (1 + d, 1 + 2 * d))
        )
        scores = ops.exp(query - ops.max(query, axis=1, keepdims=True))
        # Means, not sums: the ratio is the same, and TFLite quantises SUM with its input's scale, which
        # clips a sum over many tokens. 1/x as rsqrt(x)^2: no DIV in int16 TFLite nor on the Edge TPU.
        inverse_norm = ops.rsqrt(ops.mean(scores, axis=1, keepdims=True))
        context = ops.mean(key * scores, axis=1, keepdims=True) * (inverse_norm * inverse_norm)
        outputs = self.out_proj(ops.relu(value) * context)
        return outputs if len(inputs.shape) == 4 else ops.squeeze(outputs, 2)

    def compute_output_shape(self, input_shape):
        return input_shape
