"""BatchNorm statistics from real images, for a model whose weights never saw data."""

from __future__ import annotations

import keras
import numpy as np


def reestimate_batchnorm(model: keras.Model, images: np.ndarray) -> keras.Model:
    """Set every ``BatchNormalization`` layer's moving mean and variance to those of ``images`` and return ``model``.

    A freshly initialised network keeps BatchNorm at mean 0 and variance 1, which do not normalise: its
    activations drift by orders of magnitude from layer to layer (1e-7 after a few MobileViTv2 stages), so
    int8 ranges and any comparison of kernels on it measure degenerate tensors. One pass in training mode with
    momentum 0 stores each layer's batch statistics, computed on inputs already normalised by the layers
    before it: afterwards inference normalises ``images`` exactly as training mode does. ``images`` are a
    batch in the model's input range; weights other than the statistics are unchanged.
    """
    layers = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    if not layers:
        raise ValueError(f"{model.name} has no BatchNormalization layer")
    momenta = [layer.momentum for layer in layers]
    try:
        for layer in layers:
            layer.momentum = 0.0
        model(np.asarray(images, keras.backend.floatx()), training=True)
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
    return model
