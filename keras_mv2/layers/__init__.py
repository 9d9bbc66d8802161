"""Public, reusable Keras 3 layers of MobileViTv2 (TensorFlow, JAX and PyTorch backends)."""

from keras_mv2.layers.aspp import ASPP
from keras_mv2.layers.attention_ffn import SeparableAttentionFFN
from keras_mv2.layers.conv_norm_act import ConvNormAct
from keras_mv2.layers.inverted_residual import InvertedResidual
from keras_mv2.layers.layer_norm_2d import LayerNorm2D
from keras_mv2.layers.make_divisible import make_divisible
from keras_mv2.layers.mobilevitv2_block import MobileViTv2Block
from keras_mv2.layers.patches import image_to_patches, patches_to_image
from keras_mv2.layers.resize import resize_bilinear_align_corners
from keras_mv2.layers.separable_self_attention import SeparableSelfAttention
from keras_mv2.layers.upsample import UpsampleAlignCorners

__all__ = [
    "ASPP",
    "ConvNormAct",
    "InvertedResidual",
    "LayerNorm2D",
    "MobileViTv2Block",
    "SeparableAttentionFFN",
    "SeparableSelfAttention",
    "UpsampleAlignCorners",
    "image_to_patches",
    "make_divisible",
    "patches_to_image",
    "resize_bilinear_align_corners",
]
