"""Each layer against an independent reference: the paper's formula in NumPy, or PyTorch's own ops."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F  # noqa: N812

from keras_mv2.layers import (
    ConvNormAct,
    InvertedResidual,
    LayerNorm2D,
    MobileViTv2Block,
    SeparableAttentionFFN,
    SeparableSelfAttention,
    image_to_patches,
    patches_to_image,
    resize_bilinear_align_corners,
)
from keras_mv2.layers.resize import _interpolate_axis

RNG = np.random.default_rng(0)


def numpy_separable_attention(x, w_qkv, b_qkv, w_out, b_out):
    """The paper's equations for tokens on axis 1: softmax over tokens, context vector, ReLU(V) * c_v."""
    d = x.shape[-1]
    qkv = x @ w_qkv + b_qkv
    q, k, v = qkv[..., :1], qkv[..., 1 : 1 + d], qkv[..., 1 + d :]
    e = np.exp(q - q.max(axis=1, keepdims=True))
    scores = e / e.sum(axis=1, keepdims=True)
    context = (k * scores).sum(axis=1, keepdims=True)
    return (np.maximum(v, 0) * context) @ w_out + b_out


@pytest.mark.parametrize("shape", [(2, 37, 8), (2, 50, 4, 8)])
def test_separable_attention_is_the_papers_equation(shape):
    x = RNG.normal(size=shape).astype("float32")
    layer = SeparableSelfAttention()
    layer.build(shape)
    d = shape[-1]
    w_qkv, b_qkv = RNG.normal(size=(d, 1 + 2 * d)).astype("float32"), RNG.normal(size=1 + 2 * d).astype("float32")
    w_out, b_out = RNG.normal(size=(d, d)).astype("float32"), RNG.normal(size=d).astype("float32")
    layer.qkv_proj.set_weights([w_qkv.reshape(1, 1, d, -1), b_qkv])
    layer.out_proj.set_weights([w_out.reshape(1, 1, d, d), b_out])
    expected = numpy_separable_attention(x, w_qkv, b_qkv, w_out, b_out)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-4, atol=1e-4)


def test_separable_attention_cost_is_linear_no_token_by_token_tensor():
    """No intermediate tensor of the traced graph has two token-sized axes (no k x k attention matrix)."""
    tokens = 1024
    layer = SeparableSelfAttention()
    graph = tf.function(layer).get_concrete_function(tf.TensorSpec((1, tokens, 1, 16))).graph
    for op in graph.get_operations():
        for output in op.outputs:
            dims = [d for d in (output.shape.as_list() if output.shape.rank else []) if d == tokens]
            assert len(dims) <= 1, f"{op.type} produces {output.shape}"


def test_layer_norm_2d_is_group_norm_with_one_group():
    x = RNG.normal(2.0, 3.0, size=(2, 5, 6, 8)).astype("float32")
    gamma, beta = RNG.normal(size=8).astype("float32"), RNG.normal(size=8).astype("float32")
    layer = LayerNorm2D()
    layer.build(x.shape)
    layer.set_weights([gamma, beta])
    reference = torch.nn.GroupNorm(1, 8, eps=1e-5)
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(gamma))
        reference.bias.copy_(torch.from_numpy(beta))
        expected = reference(torch.from_numpy(x.transpose(0, 3, 1, 2))).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_image_to_patches_matches_torch_unfold():
    """Our (B, N, P, C) layout is ml-cvnets' F.unfold layout (B, C, P, N), transposed."""
    x = RNG.normal(size=(2, 6, 10, 3)).astype("float32")
    unfolded = F.unfold(torch.from_numpy(x.transpose(0, 3, 1, 2)), kernel_size=2, stride=2)
    expected = unfolded.reshape(2, 3, 4, -1).numpy().transpose(0, 3, 2, 1)
    np.testing.assert_array_equal(np.asarray(image_to_patches(x, 2)), expected)


@pytest.mark.parametrize(("height", "width", "patch"), [(6, 10, 2), (4, 4, 2), (9, 6, 3), (5, 7, 1)])
def test_patches_round_trip_exactly(height, width, patch):
    x = RNG.normal(size=(2, height, width, 4)).astype("float32")
    tokens = image_to_patches(x, patch)
    assert tuple(tokens.shape) == (2, (height // patch) * (width // patch), patch * patch, 4)
    np.testing.assert_array_equal(np.asarray(patches_to_image(tokens, height, width, patch)), x)


@pytest.mark.parametrize(("size", "new_size"), [((7, 7), (8, 8)), ((25, 40), (26, 40)), ((13, 5), (14, 6))])
def test_align_corners_resize_matches_torch(size, new_size):
    x = RNG.normal(size=(2, *size, 3)).astype("float32")
    expected = (
        F.interpolate(torch.from_numpy(x.transpose(0, 3, 1, 2)), size=new_size, mode="bilinear", align_corners=True)
        .numpy()
        .transpose(0, 2, 3, 1)
    )
    tensorflow_kernel = np.asarray(resize_bilinear_align_corners(x, *new_size))
    gathered = np.asarray(_interpolate_axis(_interpolate_axis(x, new_size[0], 1), new_size[1], 2))
    np.testing.assert_allclose(tensorflow_kernel, expected, atol=1e-5)
    np.testing.assert_allclose(gathered, expected, atol=1e-5)


def test_conv_norm_act_pads_symmetrically_like_pytorch():
    x = RNG.normal(size=(1, 8, 8, 3)).astype("float32")
    layer = ConvNormAct(4, kernel_size=3, strides=2, use_norm=False, activation=None)
    layer.build(x.shape)
    kernel = RNG.normal(size=(3, 3, 3, 4)).astype("float32")
    layer.conv.set_weights([kernel, np.zeros(4, "float32")])
    expected = (
        F.conv2d(
            torch.from_numpy(x.transpose(0, 3, 1, 2)),
            torch.from_numpy(kernel.transpose(3, 2, 0, 1)),
            stride=2,
            padding=1,
        )
        .numpy()
        .transpose(0, 2, 3, 1)
    )
    np.testing.assert_allclose(np.asarray(layer(x)), expected, atol=1e-5)


def test_inverted_residual_adds_the_skip_only_when_shapes_allow():
    x = RNG.normal(size=(1, 8, 8, 16)).astype("float32")
    same = InvertedResidual(16)
    same.build(x.shape)
    assert same.use_residual and same.exp_1x1.filters == 32
    down = InvertedResidual(16, strides=2)
    down.build(x.shape)
    assert not down.use_residual and tuple(down(x).shape) == (1, 4, 4, 16)
    for variable in same.red_1x1.norm.weights:  # zero BN scale and shift: the block outputs only its skip
        if "gamma" in variable.path or "beta" in variable.path:
            variable.assign(np.zeros(variable.shape, "float32"))
    np.testing.assert_allclose(np.asarray(same(x)), x, atol=1e-6)


def test_block_resizes_odd_maps_and_keeps_the_padded_size():
    block = MobileViTv2Block(attention_dim=16, num_units=2)
    assert tuple(block(RNG.normal(size=(1, 7, 9, 24)).astype("float32")).shape) == (1, 8, 10, 24)


def test_block_graph_is_rank_4_without_transpose_or_einsum():
    block = MobileViTv2Block(attention_dim=16, num_units=1)
    graph = tf.function(block).get_concrete_function(tf.TensorSpec((1, 16, 16, 24))).graph
    for op in graph.get_operations():
        assert op.type not in ("Einsum", "Transpose", "SpaceToDepth", "DepthToSpace"), op.type
        for output in op.outputs:
            assert output.shape.rank is None or output.shape.rank <= 4, f"{op.type}: {output.shape}"


LAYERS = [
    lambda: ConvNormAct(8, kernel_size=3, strides=2),
    lambda: InvertedResidual(8, strides=2),
    lambda: LayerNorm2D(epsilon=1e-4),
    lambda: SeparableSelfAttention(),
    lambda: SeparableAttentionFFN(32),
    lambda: MobileViTv2Block(16, 2),
]


@pytest.mark.parametrize("make_layer", LAYERS)
def test_layers_serialise(make_layer):
    layer = make_layer()
    shape = (1, 6, 4, 16) if isinstance(layer, (SeparableSelfAttention, SeparableAttentionFFN)) else (1, 8, 8, 16)
    x = RNG.normal(size=shape).astype("float32")
    y = np.asarray(layer(x))
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    if not clone.built:
        clone.build(shape)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(np.asarray(clone(x)), y)
    assert clone.get_config() == layer.get_config()
