"""Quantisation-aware fine-tuning with Keras 3's fake-quantisation op, ending in a full-int8 LiteRT model.

Why not tensorflow-model-optimization: its ``quantize_model`` accepts only tf_keras (Keras 2) models, and
every layer here is a Keras 3 layer; using it would mean a second implementation of the architecture in
tf_keras. Keras 3 ships ``keras.quantizers.fake_quant_with_min_max_vars`` (8-bit rounding in the forward
pass, a straight-through gradient), which is what QAT needs.

What is simulated: int8 rounding of every building block's output (stem, inverted residuals, MobileViTv2
blocks, pooled features), with ranges that follow the batches (an exponential moving average of the
min and max). The block internals are left in float, so this teaches the weights to tolerate the
rounding between blocks. The exported model is the ordinary full-int8 conversion of the fine-tuned
weights (``edge.convert``, ranges from representative images).
"""

from __future__ import annotations

import keras
from keras import ops

from keras_mv2.layers import ConvNormAct, InvertedResidual, MobileViTv2Block


@keras.saving.register_keras_serializable(package="keras_mv2")
class ActivationFakeQuant(keras.layers.Layer):
    r"""8-bit fake quantisation of a tensor: :math:`y = s\,\operatorname{round}(x / s) ` on the range's grid.

    The range ``[low, high]`` starts at the first training batch's min and max and then follows
    ``range = momentum * range + (1 - momentum) * batch range``; gradients pass straight through.
    """

    def __init__(self, momentum: float = 0.99, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def build(self, input_shape):
        self.low = self.add_weight(name="low", shape=(), initializer="zeros", trainable=False)
        self.high = self.add_weight(name="high", shape=(), initializer="ones", trainable=False)
        self.seen = self.add_weight(name="seen", shape=(), initializer="zeros", trainable=False)
        self.built = True

    def call(self, inputs, training=None):
        if training:
            low, high = ops.min(inputs), ops.max(inputs)
            first = ops.equal(self.seen, 0.0)
            self.low.assign(ops.where(first, low, self.momentum * self.low + (1 - self.momentum) * low))
            self.high.assign(ops.where(first, high, self.momentum * self.high + (1 - self.momentum) * high))
            self.seen.assign(1.0)
        low = ops.minimum(self.low, 0.0)  # the grid must contain zero
        high = ops.maximum(self.high, low + 1e-6)
        return keras.quantizers.fake_quant_with_min_max_vars(inputs, low, high, num_bits=8)

    def get_config(self):
        config = super().get_config()
        config.update(momentum=self.momentum)
        return config


_QUANTISED_OUTPUTS = (ConvNormAct, InvertedResidual, MobileViTv2Block, keras.layers.GlobalAveragePooling2D)


def quantization_aware(model: keras.Model) -> keras.Model:
    """A model sharing ``model``'s layers (and weights) with fake quantisation after every building block.

    ``model`` must be a chain (a ``MobileViTv2`` classifier is). Train the returned model; ``model`` then holds
    the fine-tuned weights, ready for ``edge.convert(model, "int8", ...)``.
    """
    inputs = keras.Input(shape=model.inputs[0].shape[1:], name="image")
    x = inputs
    for layer in model.layers[1:]:
        if len(keras.tree.flatten(layer._inbound_nodes[0].input_tensors)) != 1:  # as built in `model`
            raise ValueError(f"quantization_aware needs a chain of single-input layers; '{layer.name}' is not")
        x = layer(x)
        if isinstance(layer, _QUANTISED_OUTPUTS):
            x = ActivationFakeQuant(name=f"{layer.name}_fake_quant")(x)
    return keras.Model(inputs, x, name=f"{model.name}_qat")


def fine_tune(model: keras.Model, train_data, validation_data, epochs: int, learning_rate: float, aware: bool) -> dict:
    """Fine-tune ``model`` in place (Adam, cross-entropy on logits), with or without fake quantisation."""
    trained = quantization_aware(model) if aware else model
    trained.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
    )
    history = trained.fit(train_data, validation_data=validation_data, epochs=epochs, verbose=2)
    return {key: [float(v) for v in values] for key, values in history.history.items()}
