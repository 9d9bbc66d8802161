"""Convert a Keras model to LiteRT (TFLite) flatbuffers: float32, float16, dynamic-range int8, full int8, int16x8."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import keras
import numpy as np

from edge.errors import EdgeError
from edge.representative import RepresentativeData, generated
from keras_mv2.applications import input_range

QUANTIZATIONS = ("float32", "float16", "dynamic", "int8", "int16x8")
IO_TYPES = ("float32", "uint8", "int8")


@dataclass
class Conversion:
    """The converted flatbuffer and what was done to get it."""

    flatbuffer: bytes
    quantization: str
    io_type: str
    input_size: tuple[int, int] | None
    calibration: dict | None = None  # RepresentativeData.coverage() of the calibration images


def static_batch_model(model: keras.Model) -> keras.Model:
    """The same layers behind a ``batch_size=1`` input: no SHAPE ops or dynamic reshapes in the graph.

    Raises:
        EdgeError: the model's height or width is not fixed.
    """
    shape = tuple(model.inputs[0].shape)
    if None in shape[1:]:
        raise EdgeError(f"model input shape {shape} is not static: build it with a fixed input_shape=(H, W, 3)")
    if shape[0] == 1:
        return model
    image = keras.Input(shape=shape[1:], batch_size=1, name="image")
    return keras.Model(image, model(image), name=model.name)


def convert(
    model: keras.Model,
    quantization: str = "float32",
    io_type: str = "float32",
    representative: RepresentativeData | None = None,
    float_ops: tuple[str, ...] = (),
) -> Conversion:
    """Convert ``model`` with TFLite builtin ops only (no Flex / select-TF ops).

    Args:
        quantization: ``float32``; ``float16`` (weights); ``dynamic`` (int8 weights, float
            activations); ``int8`` (full integer, calibrated); ``int16x8`` (int16 activations, int8
            weights: an accuracy reference, slow on XNNPACK).
        io_type: input/output tensor type for ``int8`` (``float32``, ``uint8`` or ``int8``); other
            modes keep float32.
        representative: calibration images for ``int8``/``int16x8``; generated images when ``None``
            (reported in :attr:`Conversion.calibration`).
        float_ops: TFLite op names (e.g. ``RESIZE_BILINEAR``) left in float inside an ``int8`` model with
            float input and output, through TFLite's selective quantisation.

    Raises:
        EdgeError: unknown mode, a non-static model, or a graph that would need Flex ops.
    """
    import tensorflow as tf

    if quantization not in QUANTIZATIONS:
        raise EdgeError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    if io_type not in IO_TYPES:
        raise EdgeError(f"unknown io_type {io_type!r}; choose one of {', '.join(IO_TYPES)}")
    if io_type != "float32" and quantization != "int8":
        raise EdgeError(f"io_type={io_type} needs quantization='int8' (integer input and output)")
    model = static_batch_model(model)
    size = tuple(model.inputs[0].shape[1:3]) if len(model.inputs[0].shape) == 4 else None

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    calibration = None
    if quantization in ("int8", "int16x8"):
        if representative is None and size is None:
            raise EdgeError("give representative data: generated images need an image-shaped (B, H, W, 3) input")
        representative = representative or generated(size)
        calibration = representative.coverage()
    if float_ops and (quantization != "int8" or io_type != "float32"):
        raise EdgeError("float_ops are for int8 models with float32 input and output")
    configure_quantization(converter, quantization, representative, input_scale(model), float_fallback=bool(float_ops))
    if quantization == "int8" and io_type != "float32":
        converter.inference_input_type = getattr(tf, io_type)
        converter.inference_output_type = getattr(tf, io_type)
    try:
        with converter_chatter_hidden():
            if float_ops:
                flatbuffer = _selectively_quantized(converter, representative, input_scale(model), float_ops)
            else:
                flatbuffer = converter.convert()
    except Exception as error:  # the converter raises ConverterError and others, with the MLIR diagnostics
        text = str(error)
        if "Flex" in text or "select" in text.lower() or "not supported" in text or "failed to legalize" in text:
            raise EdgeError(
                "the model needs ops that are not TFLite builtins (Flex / select-TF ops are refused by "
                f"design):\n{_first_lines(text)}"
            ) from None
        raise EdgeError(f"TFLite conversion failed:\n{_first_lines(text)}") from None
    return Conversion(flatbuffer, quantization, io_type, size, calibration)


def configure_quantization(
    converter, quantization: str, representative: RepresentativeData | None, input_scale: float,
    float_fallback: bool = False,
) -> None:  # fmt: skip
    """Set a TFLite converter's options for ``quantization`` (one of :data:`QUANTIZATIONS`).

    ``representative`` is needed for ``int8`` / ``int16x8``; ``input_scale`` maps its [0, 255] images to the
    model's input range. ``float_fallback`` lets ops without an integer kernel stay float in an ``int8``
    model (the detection post-processing op); otherwise int8 means integer ops only.
    """
    import tensorflow as tf

    if quantization == "float32":
        return
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantization == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif quantization in ("int8", "int16x8"):
        if representative is None:
            raise EdgeError(f"{quantization} conversion needs representative images")
        converter.representative_dataset = representative.dataset(np.float32, input_scale)
        if quantization == "int8":
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8] + (
                [tf.lite.OpsSet.TFLITE_BUILTINS] if float_fallback else []
            )
        else:
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
            ]


def _selectively_quantized(converter, representative, scale: float, float_ops: tuple[str, ...]) -> bytes:
    """Full-int8 conversion with ``float_ops`` kept in float (TFLite's documented selective quantisation)."""
    import tensorflow as tf

    debugger = tf.lite.experimental.QuantizationDebugger(
        converter=converter,
        debug_dataset=representative.dataset(np.float32, scale),
        debug_options=tf.lite.experimental.QuantizationDebugOptions(denylisted_ops=list(float_ops)),
    )
    return debugger.get_nondebug_quantized_model()


@contextlib.contextmanager
def converter_chatter_hidden() -> Iterator[None]:
    """Hide what the converter prints while it works (saved-model paths, MLIR warnings on file descriptor 2).

    Its errors still surface: they are raised as exceptions, whose text carries the diagnostics.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink:
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            with contextlib.redirect_stdout(io.StringIO()):
                yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for descriptor in saved:
                os.close(descriptor)


def input_scale(model: keras.Model) -> float:
    """The factor that maps [0, 255] pixels onto the model's input range: 1, or 1/255 without preprocessing."""
    return input_range(model)[1] / 255.0


def _first_lines(text: str, count: int = 12) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:count])
