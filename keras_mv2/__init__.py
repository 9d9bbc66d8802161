"""keras_mv2: MobileViTv2 (separable self-attention) for Keras 3, exact to Apple's ml-cvnets.

Importing the package registers its layers, so ``keras.models.load_model`` reads saved models after
``import keras_mv2``. TensorFlow's native logs (oneDNN, CUDA probing, CPU features) are kept out of the
console: ``TF_CPP_MIN_LOG_LEVEL`` defaults to 3 if TensorFlow is not loaded yet, and what it prints while
loading is captured (``KERAS_MV2_VERBOSE=1`` keeps both; see ``keras_mv2.utils.console``). The other
sub-packages load on first use.
"""

import importlib

from keras_mv2.utils.console import native_logs_captured, quiet_native_logs

quiet_native_logs()
with native_logs_captured():
    from keras_mv2 import layers

__version__ = "0.1.0"

_SUBMODULES = ("applications", "architecture", "demos", "samples", "training", "utils", "weights")
__all__ = ["__version__", "layers", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
