"""SSDLite object detection on a MobileViTv2 backbone, as ml-cvnets builds it (raw head outputs + anchors)."""

from __future__ import annotations

import keras
import numpy as np

from keras_mv2.applications.mobilevitv2 import backbone_stages, image_input
from keras_mv2.applications.ssd_anchors import ASPECT_RATIOS, anchors_per_location, ssd_anchors
from keras_mv2.architecture import stage_widths
from keras_mv2.layers import ConvNormAct
from keras_mv2.weights import load_weights

# ml-cvnets' COCO configuration: the width of each map's extra layer and head projection, by map.
PROJ_CHANNELS = (512, 256, 256, 128, 128, 64)
EXTRA_STRIDES = (64, 128, 256)


def SSDLiteMobileViTv2(
    alpha: float = 1.0,
    classes: int = 81,
    weights: str | None = None,
    input_shape: tuple = (320, 320, 3),
    include_preprocessing: bool = True,
    name: str | None = None,
) -> keras.Model:
    """SSDLite on MobileViTv2: ``class_logits (B, N, classes)`` and ``box_regressions (B, N, 4)``.

    Six maps feed the heads: the stride-16 and stride-32 stage outputs, three separable stride-2
    extra layers and a global-pool layer. Outputs are ordered map by map, then rows, columns and
    anchors, matching :func:`anchors_for` (normalised ``cx, cy, w, h``). Class 0 is background in
    ml-cvnets' COCO models (81 classes); :func:`keras_mv2.applications.ssd_decode.detect`
    turns the outputs into boxes.

    Args:
        alpha: backbone width multiplier.
        classes: classes including background (Apple's COCO models: 81). A checkpoint with another
            class count is refused with an error that names both.
        weights: ``None``, an ml-cvnets SSDLite ``.pt`` checkpoint, a Keras ``.weights.h5``, or a published name.
        input_shape: a fixed ``(H, W, 3)``: the anchors depend on the feature-map sizes.
        include_preprocessing: the model takes RGB in [0, 255] (else [0, 1]).
    """
    if not isinstance(classes, int) or classes < 2:
        raise ValueError(f"classes must be an integer >= 2 (background included), got {classes!r}")
    if input_shape is None or None in tuple(input_shape)[:2]:
        raise ValueError("SSDLite needs a fixed input_shape=(H, W, 3): its anchors depend on it")
    widths = stage_widths(alpha)
    inputs = image_input(None, input_shape)
    x = keras.layers.Rescaling(1.0 / 255.0, name="rescaling")(inputs) if include_preprocessing else inputs
    stages = backbone_stages(x, widths)
    maps = [stages["layer_4"], stages["layer_5"]]
    for stride, filters in zip(EXTRA_STRIDES, PROJ_CHANNELS[2:5], strict=True):
        dw = ConvNormAct(kernel_size=3, strides=2, depthwise=True, activation=None, name=f"extra_os_{stride}_dw")
        y = dw(maps[-1])
        maps.append(ConvNormAct(filters, 1, activation="relu", name=f"extra_os_{stride}_pw")(y))
    pooled = keras.layers.GlobalAveragePooling2D(keepdims=True, name="extra_global_pool")(maps[-1])
    maps.append(
        ConvNormAct(PROJ_CHANNELS[5], 1, use_norm=False, activation="relu", use_bias=False, name="extra_global")(pooled)
    )

    class_logits, box_regressions = [], []
    for index, (feature, filters, ratios) in enumerate(zip(maps, PROJ_CHANNELS, ASPECT_RATIOS, strict=True)):
        outputs = anchors_per_location(ratios) * (4 + classes)
        head = f"ssd_head_{index}"
        if index == len(maps) - 1:  # the 1x1 map: a plain 1x1 convolution
            y = ConvNormAct(outputs, 1, use_norm=False, activation=None, use_bias=True, name=f"{head}_conv")(feature)
        else:
            if feature.shape[-1] != filters:
                feature = ConvNormAct(filters, 1, activation="relu", name=f"{head}_proj")(feature)
            y = ConvNormAct(kernel_size=3, depthwise=True, activation=None, name=f"{head}_dw")(feature)
            y = ConvNormAct(outputs, 1, use_norm=False, activation=None, use_bias=True, name=f"{head}_pw")(y)
        # (B, h, w, A * (4 + K)) -> (B, h * w * A, 4 + K): rows, columns, anchors, as the anchors are laid out.
        y = keras.layers.Reshape((-1, 4 + classes), name=f"{head}_flatten")(y)
        box_regressions.append(y[..., :4])
        class_logits.append(y[..., 4:])
    class_logits = keras.layers.Concatenate(axis=1, name="class_logits")(class_logits)
    box_regressions = keras.layers.Concatenate(axis=1, name="box_regressions")(box_regressions)
    model = keras.Model(
        inputs, {"class_logits": class_logits, "box_regressions": box_regressions},
        name=name or f"ssdlite_mobilevitv2_{round(alpha * 100):03d}",
    )  # fmt: skip
    if weights is not None:
        load_weights(model, weights, alpha=alpha)
    return model


def anchors_for(model: keras.Model) -> np.ndarray:
    """The anchors ``(N, 4)`` (normalised cx, cy, w, h) that match ``model``'s outputs."""
    sizes = []
    for index in range(len(PROJ_CHANNELS)):
        layer = model.get_layer(f"ssd_head_{index}_flatten")
        shape = layer.input.shape
        sizes.append((int(shape[1]), int(shape[2])))
    return ssd_anchors(sizes)
