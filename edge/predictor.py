"""One adapter for the two model files users run: a LiteRT ``.tflite`` or a Keras ``.keras`` classifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge.errors import EdgeError
from edge.runtime import LiteRTModel

# The largest input side accepted from a .tflite (an image is resized to it: 4096^2 RGB floats take 200 MB).
MAX_INPUT_SIDE = 4096


@dataclass
class Predictor:
    """``predictor(images)`` -> scores ``(N, classes)`` for ``(N, H, W, 3)`` images in [0, 255]."""

    path: Path
    input_size: tuple[int, int]
    labels: list[str] | None  # from the model's metadata, if it carries any
    run: Callable[[np.ndarray], np.ndarray]

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(self.run(np.asarray(images, np.float32)))


def load_predictor(path: str | Path, delegate: str = "xnnpack", threads: int = 2) -> Predictor:
    """Open a ``.tflite`` (on ``delegate`` with ``threads``) or a ``.keras`` classifier.

    Raises:
        EdgeError: no such file, another kind of file, or a file the runtime cannot load.
    """
    path = Path(path)
    if not path.is_file():
        raise EdgeError(f"{path}: no such {path.suffix if path.suffix in ('.tflite', '.keras') else 'model'} file")
    if path.suffix == ".tflite":
        from edge.metadata import metadata_buffer, read_metadata

        runner = LiteRTModel.load(path, delegate, threads)
        check_classifier(runner, str(path))
        data = path.read_bytes()
        packed = {}  # a model without metadata: numbered classes (class_0, class_1, ...)
        if metadata_buffer(data, str(path)) is not None:
            packed = read_metadata(data, str(path))["files"]  # present but damaged: an EdgeError naming the file
        labels = packed.get("labels.txt") or next(iter(packed.values()), None)
        return Predictor(path, runner.input_size, labels.splitlines() if labels else None, runner)
    if path.suffix == ".keras":
        model = load_keras_model(path)
        shape, scores = tuple(model.inputs[0].shape), tuple(model.outputs[0].shape)
        if len(model.inputs) != 1 or len(shape) != 4 or shape[3] != 3 or None in shape[1:3] or len(scores) != 2:
            raise EdgeError(f"{path}: not an image classifier (input {shape}, output {scores})")
        if max(shape[1:3]) > MAX_INPUT_SIDE:
            raise EdgeError(f"{path}: its input is {shape[1]}x{shape[2]} pixels; at most {MAX_INPUT_SIDE} a side")
        size = tuple(int(side) for side in shape[1:3])
        return Predictor(path, size, None, lambda x: model.predict(x, verbose=0, batch_size=32))
    raise EdgeError(f"{path}: expected a .tflite or .keras model file")


def load_keras_model(path: str | Path):
    """A saved ``.keras`` model, checked first (:func:`keras_mv2.utils.keras_files.check_keras_file`).

    Raises:
        EdgeError: one line naming the file: not a regular file, sizes it does not back, or Keras' own error.
    """
    import keras

    import keras_mv2.layers  # noqa: F401 - registers the layers of a saved model
    from keras_mv2.utils.keras_files import check_keras_file, one_line

    try:
        check_keras_file(path)
    except ValueError as error:
        raise EdgeError(str(error)) from None
    try:
        return keras.models.load_model(path)
    except Exception as error:  # Keras raises ValueError, OSError, zipfile errors, TypeError...
        raise EdgeError(f"{path}: Keras cannot load it ({one_line(error)})") from None


def check_classifier(runner: LiteRTModel, source: str) -> None:
    """Refuse a model that is not an image classifier: one ``(1, H, W, 3)`` input of a bounded size, one
    ``(1, classes)`` output. Checked before any image is resized to the size the model declares."""
    inputs, outputs = runner.interpreter.get_input_details(), runner.interpreter.get_output_details()
    if len(inputs) != 1 or len(outputs) != 1:
        raise EdgeError(f"{source}: not an image classifier ({len(inputs)} inputs and {len(outputs)} outputs, "
                        "expected 1 and 1)")  # fmt: skip
    shape, scores = [int(d) for d in inputs[0]["shape"]], [int(d) for d in outputs[0]["shape"]]
    if len(shape) != 4 or shape[0] != 1 or shape[3] != 3 or min(shape[1:3]) < 1:
        raise EdgeError(f"{source}: not an image classifier (input of shape {shape}, expected [1, height, width, 3])")
    if max(shape[1:3]) > MAX_INPUT_SIDE:
        raise EdgeError(
            f"{source}: its input is {shape[1]}x{shape[2]} pixels; at most {MAX_INPUT_SIDE} on a side is accepted"
        )
    if len(scores) != 2 or scores[0] != 1 or scores[1] < 1:
        raise EdgeError(f"{source}: not an image classifier (output of shape {scores}, expected [1, classes])")
