"""``MobileViTv2``: the classification network and its feature extractor, in the style of ``keras.applications``."""

from __future__ import annotations

import keras

from keras_mv2.architecture import (
    EXPAND_RATIO,
    FFN_MULTIPLIER,
    PATCH_SIZE,
    STAGE_STRIDES,
    STAGES,
    stage_widths,
)
from keras_mv2.layers import ConvNormAct, InvertedResidual, MobileViTv2Block
from keras_mv2.weights import load_weights

DEFAULT_SIZE = 256


def MobileViTv2(
    alpha: float = 1.0,
    include_top: bool = True,
    weights: str | None = None,
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: str | None = "softmax",
    include_preprocessing: bool = True,
    dropout_rate: float = 0.0,
    name: str | None = None,
) -> keras.Model:
    """Instantiate MobileViTv2 (Mehta & Rastegari, arXiv 2206.02680) for image classification.

    Args:
        alpha: width multiplier, any value > 0 (Apple published 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0).
            Widths follow ml-cvnets' rounding rules.
        include_top: add the global-average-pool + linear classifier.
        weights: ``None`` (random), a path to a Keras ``.weights.h5`` file, an ml-cvnets ``.pt``
            checkpoint, a Hugging Face ``MobileViTV2ForImageClassification`` checkpoint (directory,
            ``.safetensors`` or ``.bin``), or a published checkpoint name (see
            ``keras_mv2.weights.PUBLISHED_CHECKPOINTS``), downloaded once and cached.
        input_tensor: optional Keras tensor to use as the image input.
        input_shape: ``(height, width, 3)``; sides may be ``None`` for a size-agnostic model. Defaults
            to ``(256, 256, 3)``. Sides that are not multiples of 64 behave like the reference
            (align-corners resize inside a block whose input is odd-sized).
        pooling: with ``include_top=False``: ``None`` (the stride-32 map), ``"avg"`` or ``"max"``.
        classes: number of classes of the classifier.
        classifier_activation: activation of the top layer; ``None`` returns logits.
        include_preprocessing: the model takes RGB in [0, 255] and divides by 255 itself; with
            ``False`` it takes RGB in [0, 1]. No mean/std normalisation, as in the reference.
        dropout_rate: dropout before the classifier (training only).
        name: model name; defaults to ``mobilevitv2_<100 * alpha>``.

    Returns:
        A functional ``keras.Model``. Stage outputs are the layers named in
        :data:`FEATURE_LAYERS`; :func:`feature_extractor` returns them as a dict.

    Raises:
        ValueError: invalid arguments. ``keras_mv2.weights.CheckpointError``: the weights cannot be
            read or do not fit; no model is returned then.
    """
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max', got {pooling!r}")
    if include_top and (not isinstance(classes, int) or classes < 1):
        raise ValueError(f"classes must be a positive integer, got {classes!r}")
    widths = stage_widths(alpha)
    inputs = image_input(input_tensor, input_shape)

    x = keras.layers.Rescaling(1.0 / 255.0, name="rescaling")(inputs) if include_preprocessing else inputs
    x = backbone_stages(x, widths)["layer_5"]

    if include_top:
        x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
        if dropout_rate > 0:
            x = keras.layers.Dropout(dropout_rate, name="dropout")(x)
        x = keras.layers.Dense(classes, name="classifier")(x)
        if classifier_activation is not None:
            x = keras.layers.Activation(classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    elif pooling == "max":
        x = keras.layers.GlobalMaxPooling2D(name="global_pool")(x)

    model_inputs = keras.utils.get_source_inputs(input_tensor) if input_tensor is not None else inputs
    model = keras.Model(model_inputs, x, name=name or f"mobilevitv2_{round(alpha * 100):03d}")
    if weights is not None:
        load_weights(model, weights, alpha=alpha)
    return model


def backbone_stages(x, widths: dict[str, int], output_stride: int = 32) -> dict[str, keras.KerasTensor]:
    """Apply the stem and the five stages to ``x`` (already scaled to [0, 1]); return each stage's output.

    ``output_stride`` 16 or 8 keeps the last one or two stages at the resolution of the previous one
    and dilates their depthwise convolutions instead, as ml-cvnets does for segmentation: the stage's
    first inverted residual keeps the previous dilation with stride 1, its MobileViTv2 block gets the
    doubled dilation. Weights are the same for every output stride.
    """
    if output_stride not in (8, 16, 32):
        raise ValueError(f"output_stride must be 8, 16 or 32, got {output_stride!r}")
    dilated = {"layer_5"} if output_stride == 16 else {"layer_4", "layer_5"} if output_stride == 8 else set()
    outputs = {}
    dilation = 1
    x = ConvNormAct(widths["stem"], kernel_size=3, strides=2, name="conv_1")(x)
    for stage in STAGES:
        stride, first_dilation = stage.stride, dilation
        if stage.name in dilated:
            stride, first_dilation, dilation = 1, dilation, dilation * 2
        for index in range(stage.num_inverted_residuals):
            x = InvertedResidual(
                widths[stage.name],
                strides=stride if index == 0 else 1,
                expand_ratio=EXPAND_RATIO,
                dilation_rate=first_dilation if index == 0 else dilation,
                name=f"{stage.name}_{index}",
            )(x)
        if stage.attention_units:
            x = MobileViTv2Block(
                widths[stage.name.replace("layer", "attention")],
                stage.attention_units,
                ffn_multiplier=FFN_MULTIPLIER,
                patch_size=PATCH_SIZE,
                dilation_rate=dilation,
                name=f"{stage.name}_{stage.num_inverted_residuals}",
            )(x)
        outputs[stage.name] = x
    return outputs


def image_input(input_tensor, input_shape) -> keras.KerasTensor:
    """The image input of a builder: ``input_tensor`` if given, else a new ``keras.Input`` named ``image``.

    Raises:
        ValueError: ``input_shape`` is not ``(H, W, 3)`` with sides of at least 32 pixels.
    """
    if input_shape is None:
        input_shape = (DEFAULT_SIZE, DEFAULT_SIZE, 3) if input_tensor is None else tuple(input_tensor.shape[1:])
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or input_shape[-1] != 3:
        raise ValueError(f"input_shape must be (height, width, 3), got {input_shape}")
    for side in input_shape[:2]:
        if side is not None and side < 32:
            raise ValueError(f"input sides must be at least 32 pixels, got {input_shape}")
    if input_tensor is None:
        return keras.Input(shape=input_shape, name="image")
    if not keras.backend.is_keras_tensor(input_tensor):
        return keras.Input(tensor=input_tensor, shape=input_shape, name="image")
    return input_tensor


def input_range(model: keras.Model) -> tuple[float, float]:
    """The pixel range the model's image input expects: ``(0, 255)`` when the input goes straight into a
    ``Rescaling`` layer (``include_preprocessing=True``, or any model that maps raw pixels itself), else
    ``(0, 1)`` (MobileViTv2's own range without preprocessing).

    Read from the layer that consumes the input (looking inside a model used as a layer), not from any
    ``Rescaling`` found elsewhere in the graph.
    """
    image = model.inputs[0]
    for layer in model.layers:
        inputs = [t for node in layer._inbound_nodes for t in keras.tree.flatten(node.input_tensors)]
        if not any(t is image for t in inputs):
            continue
        if isinstance(layer, keras.Model):
            return input_range(layer)
        if isinstance(layer, keras.layers.Rescaling):
            return (0.0, 255.0)
    return (0.0, 1.0)


def _last_layer_name(stage) -> str:
    return f"{stage.name}_{stage.num_inverted_residuals - (0 if stage.attention_units else 1)}"


# Layer whose output is each stage's feature map, by output stride.
FEATURE_LAYERS = {f"stride_{STAGE_STRIDES[stage.name]}": _last_layer_name(stage) for stage in STAGES}


def feature_extractor(model: keras.Model, strides: tuple[int, ...] = (8, 16, 32)) -> keras.Model:
    """A model that returns ``{"stride_8": ..., "stride_16": ..., "stride_32": ...}`` feature maps.

    ``model`` is any ``MobileViTv2`` (with or without top); its weights are shared, not copied.
    Channels per stride are ``stage_widths(alpha)["layer_3" | "layer_4" | "layer_5"]``.
    """
    outputs = {}
    for stride in strides:
        key = f"stride_{stride}"
        if key not in FEATURE_LAYERS:
            raise ValueError(f"no feature map at stride {stride}; available: {sorted(FEATURE_LAYERS)}")
        outputs[key] = model.get_layer(FEATURE_LAYERS[key]).output
    return keras.Model(model.inputs, outputs, name=f"{model.name}_features")


def _width_constructor(alpha: float):
    def constructor(**kwargs) -> keras.Model:
        return MobileViTv2(alpha=alpha, **kwargs)

    constructor.__name__ = f"MobileViTv2_{round(alpha * 100):03d}"
    constructor.__doc__ = f"MobileViTv2 with alpha={alpha}; keyword arguments as for :func:`MobileViTv2`."
    return constructor


MobileViTv2_050 = _width_constructor(0.5)
MobileViTv2_075 = _width_constructor(0.75)
MobileViTv2_100 = _width_constructor(1.0)
MobileViTv2_125 = _width_constructor(1.25)
MobileViTv2_150 = _width_constructor(1.5)
MobileViTv2_175 = _width_constructor(1.75)
MobileViTv2_200 = _width_constructor(2.0)
