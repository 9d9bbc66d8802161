"""keras_mv2: MobileViTv2 (separable self-attention) for Keras 3, exact to Apple's ml-cvnets.

Sub-packages load on first use (``keras_mv2.applications`` imports Keras, and with it TensorFlow), so
that the ``mv2`` command can quiet TensorFlow's start-up logs before anything imports it.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("applications", "architecture", "demos", "layers", "samples", "training", "utils", "weights")
__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
