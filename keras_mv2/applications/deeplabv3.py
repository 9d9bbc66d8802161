"""DeepLabv3 semantic segmentation on a MobileViTv2 backbone, as ml-cvnets builds it."""

from __future__ import annotations

import keras

from keras_mv2.applications.mobilevitv2 import backbone_stages, image_input
from keras_mv2.architecture import stage_widths
from keras_mv2.layers import ASPP, ConvNormAct, UpsampleAlignCorners
from keras_mv2.weights import load_weights

# Apple's published configurations (ml-cvnets' segmentation configs).
DATASETS = {
    "pascal_voc": {"classes": 21, "output_stride": 16, "aspp_rates": (6, 12, 18)},
    "ade20k": {"classes": 150, "output_stride": 8, "aspp_rates": (12, 24, 36)},
}


def DeepLabV3MobileViTv2(
    alpha: float = 1.0,
    classes: int = 21,
    output_stride: int = 16,
    aspp_rates: tuple[int, ...] = (6, 12, 18),
    aspp_filters: int = 512,
    aux_head: bool = False,
    weights: str | None = None,
    input_shape: tuple | None = (512, 512, 3),
    include_preprocessing: bool = True,
    name: str | None = None,
) -> keras.Model:
    """DeepLabv3 (ASPP head) on MobileViTv2: per-pixel class logits at the input resolution.

    Args:
        alpha: backbone width multiplier.
        classes: segmentation classes (PASCAL VOC 21, ADE20K 150; see :data:`DATASETS`).
        output_stride: 16 or 8: the backbone's last stage(s) are dilated instead of strided.
        aspp_rates: dilation rates of the ASPP's three 3x3 branches.
        aux_head: add the auxiliary head on the stride-16 map (a second output, for training).
        weights: ``None``, an ml-cvnets DeepLabv3 ``.pt`` checkpoint, a Keras ``.weights.h5`` file, or a
            published name (``pascalvoc-deeplabv3``, ``ade20k-deeplabv3``; ``keras_mv2.weights.PUBLISHED_CHECKPOINTS``).
        input_shape: ``(H, W, 3)``; sides that are multiples of ``output_stride`` keep the output aligned
            to the input.
        include_preprocessing: the model takes RGB in [0, 255] (else [0, 1]).

    Returns:
        A model mapping images to logits ``(B, H, W, classes)`` (upsampled with aligned corners, as
        ml-cvnets does), plus the auxiliary logits when ``aux_head``.
    """
    if not isinstance(classes, int) or classes < 1:
        raise ValueError(f"classes must be a positive integer, got {classes!r}")
    widths = stage_widths(alpha)
    inputs = image_input(None, input_shape)
    x = keras.layers.Rescaling(1.0 / 255.0, name="rescaling")(inputs) if include_preprocessing else inputs
    features = backbone_stages(x, widths, output_stride)
    x = ASPP(aspp_filters, aspp_rates, name="aspp")(features["layer_5"])
    x = ConvNormAct(classes, 1, use_norm=False, activation=None, use_bias=True, name="seg_classifier")(x)
    logits = UpsampleAlignCorners(output_stride, name="upsample")(x)
    outputs = logits
    if aux_head:
        aux = ConvNormAct(max(widths["layer_4"] // 4, 128), 3, activation="relu", name="aux_conv")(features["layer_4"])
        aux = keras.layers.Dropout(0.1, name="aux_dropout")(aux)
        aux = ConvNormAct(classes, 1, use_norm=False, activation=None, use_bias=True, name="aux_classifier")(aux)
        # layer_4 is at stride min(output_stride, 16).
        outputs = [logits, UpsampleAlignCorners(min(output_stride, 16), name="aux_upsample")(aux)]
    model = keras.Model(inputs, outputs, name=name or f"deeplabv3_mobilevitv2_{round(alpha * 100):03d}")
    if weights is not None:
        load_weights(model, weights, alpha=alpha)
    return model
