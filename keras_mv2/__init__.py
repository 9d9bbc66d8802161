"""keras_mv2: MobileViTv2 (separable self-attention) for Keras 3, exact to Apple's ml-cvnets."""

from keras_mv2 import applications, layers, training, weights

__version__ = "0.1.0"

__all__ = ["__version__", "applications", "layers", "training", "weights"]
