"""The whole export of a classifier: convert, add metadata, verify against Keras, write, report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from edge.convert import _input_scale, convert
from edge.edgetpu import EdgeTPUReport, check_edgetpu
from edge.errors import EdgeError
from edge.fidelity import FidelityReport, fidelity
from edge.metadata import add_classifier_metadata
from edge.representative import RepresentativeData
from edge.runtime import LiteRTModel
from keras_mv2.applications import class_names
from keras_mv2.utils import write_atomically


@dataclass
class ExportResult:
    path: Path
    quantization: str
    io_type: str
    size_bytes: int
    calibration: str | None
    fidelity: FidelityReport
    edgetpu: EdgeTPUReport | None = None
    notes: list[str] = field(default_factory=list)

    def report(self) -> dict:
        return {
            "model": str(self.path),
            "quantization": self.quantization,
            "io_type": self.io_type,
            "size_bytes": self.size_bytes,
            "calibration": self.calibration,
            "fidelity": self.fidelity.as_dict(),
            "edgetpu": None
            if self.edgetpu is None
            else {"ready": self.edgetpu.ready, "problems": [str(o) for o in self.edgetpu.offences]},
            "notes": self.notes,
        }


def verification_images(size: tuple[int, int]) -> np.ndarray:
    """The bundled real photographs at ``size`` with the evaluation transform, in [0, 255]."""
    from keras_mv2.applications import eval_transform
    from keras_mv2.samples import sample_images

    return np.stack([eval_transform(path, size) for path in sample_images()])


def export_classifier(
    model: keras.Model,
    output: str | Path,
    quantization: str = "float32",
    io_type: str = "float32",
    representative: RepresentativeData | None = None,
    labels: list[str] | None = None,
    verify_images: np.ndarray | None = None,
    check_edgetpu_rules: bool = False,
) -> ExportResult:
    """Export ``model`` (a classifier with a ``[1, classes]`` output) to ``output``, with metadata.

    ``verify_images`` (in [0, 255]) default to the bundled photographs. A JSON report is written
    beside the model (``<output>.json``). Nothing is written if any step fails.
    """
    output = Path(output)
    if output.suffix != ".tflite":
        raise EdgeError(f"{output}: the output name must end in .tflite")
    classes = int(model.outputs[0].shape[-1])
    if len(model.outputs) != 1 or len(model.outputs[0].shape) != 2:
        raise EdgeError("export_classifier needs a model with one (batch, classes) output (include_top=True)")
    if labels is None:
        labels = class_names(None, classes)
    if len(labels) != classes:
        raise EdgeError(f"{len(labels)} labels given for a model with {classes} classes")

    conversion = convert(model, quantization, io_type, representative)
    scale = _input_scale(model)
    flatbuffer = add_classifier_metadata(conversion.flatbuffer, labels, input_range=(0.0, 255.0 * scale))
    images = verification_images(conversion.input_size) if verify_images is None else verify_images
    report = fidelity(model, LiteRTModel.load(flatbuffer), images * scale)
    result = ExportResult(
        output, quantization, io_type, len(flatbuffer), conversion.calibration, report,
        edgetpu=check_edgetpu(flatbuffer) if check_edgetpu_rules else None,
    )  # fmt: skip
    if conversion.calibration and "generated" in conversion.calibration:
        result.notes.append("calibrated on generated images: pass a folder of real photos for better int8 ranges")
    write_atomically(output, flatbuffer)
    write_atomically(output.with_suffix(".json"), json.dumps(result.report(), indent=2).encode())
    return result
