"""One adapter for the two model files users run: a LiteRT ``.tflite`` or a Keras ``.keras`` classifier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge.errors import EdgeError
from edge.runtime import LiteRTModel


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
        from tensorflow_lite_support.metadata.python.metadata import get_metadata_buffer

        from edge.metadata import read_metadata

        runner = LiteRTModel.load(path, delegate, threads)
        data = path.read_bytes()
        packed = {}  # a model without metadata: numbered classes (class_0, class_1, ...)
        if get_metadata_buffer(data) is not None:
            try:
                packed = read_metadata(data)["files"]
            except (ValueError, RuntimeError) as error:  # present but damaged: say so rather than guess
                raise EdgeError(f"{path}: its metadata cannot be read ({error})") from None
        labels = packed.get("labels.txt") or next(iter(packed.values()), None)
        return Predictor(path, runner.input_size, labels.splitlines() if labels else None, runner)
    if path.suffix == ".keras":
        import keras

        import keras_mv2.layers  # noqa: F401 - registers the layers of a saved model

        try:
            model = keras.models.load_model(path)
        except Exception as error:  # Keras raises ValueError, OSError, zipfile errors...
            raise EdgeError(f"{path}: Keras cannot load it ({type(error).__name__}: {error})") from None
        size = tuple(int(side) for side in model.inputs[0].shape[1:3])
        return Predictor(path, size, None, lambda x: model.predict(x, verbose=0, batch_size=32))
    raise EdgeError(f"{path}: expected a .tflite or .keras model file")
