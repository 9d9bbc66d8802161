"""Integer-factor bilinear upsampling with aligned corners, as ml-cvnets upsamples segmentation logits."""

from __future__ import annotations

import keras

from keras_mv2.layers.resize import resize_bilinear_align_corners


@keras.saving.register_keras_serializable(package="keras_mv2")
class UpsampleAlignCorners(keras.layers.Layer):
    """Bilinear upsampling by an integer ``factor`` with aligned corners (ml-cvnets' segmentation output)."""

    def __init__(self, factor: int, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        height, width = inputs.shape[1], inputs.shape[2]
        return resize_bilinear_align_corners(inputs, height * self.factor, width * self.factor)

    def compute_output_shape(self, input_shape):
        scale = [None if side is None else side * self.factor for side in input_shape[1:3]]
        return (input_shape[0], *scale, input_shape[3])

    def get_config(self):
        config = super().get_config()
        config.update(factor=self.factor)
        return config
