"""The whole export of a model: convert, add metadata, verify against Keras, write the model and a JSON report.

Every task's export (:func:`export_classifier` here, ``export_segmenter`` / ``export_detector`` in
``edge.dense_export``) returns the same :class:`ExportReport` and writes the same ``<model>.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np

from edge.convert import convert, input_scale
from edge.dense_fidelity import DetectorFidelity, SegmenterFidelity
from edge.edgetpu import EdgeTPUReport, check_edgetpu
from edge.errors import EdgeError
from edge.fidelity import FidelityReport, KernelComparison, compare_kernels, fidelity
from edge.metadata import add_classifier_metadata
from edge.representative import RepresentativeData
from edge.runtime import KERNEL_SETS, LiteRTModel, cpu_description, describe_cpu
from keras_mv2.applications import class_names, eval_transform
from keras_mv2.samples import sample_images
from keras_mv2.utils import write_atomically


@dataclass
class ExportReport:
    """What an export wrote and how closely the written model follows Keras."""

    path: Path
    task: str  # classification, segmentation or detection
    quantization: str
    io_type: str
    size_bytes: int
    calibration: dict | None  # RepresentativeData.coverage()
    fidelity: FidelityReport | SegmenterFidelity | DetectorFidelity
    edgetpu: EdgeTPUReport | None = None
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # further measurements (e.g. accuracy on a data set)
    # int8: the fidelity on each CPU kernel set (XNNPACK, builtin) and how the two compare, op by op
    fidelity_by_kernels: dict[str, FidelityReport | SegmenterFidelity | DetectorFidelity] = field(default_factory=dict)
    kernels: KernelComparison | None = None
    cpu: dict = field(default_factory=cpu_description)

    @property
    def report_path(self) -> Path:
        return self.path.with_suffix(".json")

    def as_dict(self) -> dict:
        return {
            "model": str(self.path),
            "task": self.task,
            "quantization": self.quantization,
            "io_type": self.io_type,
            "size_bytes": self.size_bytes,
            "calibration": self.calibration,
            "fidelity": self.fidelity.as_dict(),
            "edgetpu": None
            if self.edgetpu is None
            else {"ready": self.edgetpu.ready, "problems": [str(o) for o in self.edgetpu.offences]},
            "fidelity_by_kernels": {name: report.as_dict() for name, report in self.fidelity_by_kernels.items()},
            "kernels": None if self.kernels is None else self.kernels.as_dict(),
            "cpu": self.cpu,
            "notes": self.notes,
            **self.extra,
        }

    def summary(self) -> str:
        lines = [
            f"wrote {self.path} ({self.size_bytes / 1e6:.2f} MB, {self.task}, {self.quantization}, io {self.io_type})",
            f"calibration: {self.calibration['source']}" if self.calibration else "",
            f"fidelity vs Keras on the bundled photos: {self.fidelity.summary()}",
            *(
                f"  on the {name} kernels: {report.summary()}"
                for name, report in self.fidelity_by_kernels.items()
                if name != KERNEL_SETS[0]
            ),
            f"kernels: {self.kernels.summary()}" if self.kernels else "",
            f"warning: {self.kernels.warning()}" if self.kernels and self.kernels.warning() else "",
            f"cpu: {describe_cpu(self.cpu)}",
            *(f"note: {note}" for note in self.notes),
            f"report: {self.report_path}",
        ]
        return "\n".join(line for line in lines if line)

    def write(self, flatbuffer: bytes) -> None:
        """Write the model and its JSON report (each atomically)."""
        write_atomically(self.path, flatbuffer)
        self.write_json()

    def write_json(self) -> None:
        write_atomically(self.report_path, json.dumps(self.as_dict(), indent=2).encode())


def check_kernels(report: ExportReport, flatbuffer: bytes, images: np.ndarray, measure) -> None:
    """For an int8 export, add to ``report`` its fidelity on each CPU kernel set (``report.fidelity`` is the
    default set's, ``measure(kernels)`` gives the others') and the op-by-op comparison of the two kernel sets on
    ``images`` (in the model's input range)."""
    if report.quantization != "int8":
        return
    others = {name: measure(name) for name in KERNEL_SETS[1:]}
    report.fidelity_by_kernels = {KERNEL_SETS[0]: report.fidelity, **others}
    report.kernels = compare_kernels(flatbuffer, images)


def check_output_path(output: str | Path, suffix: str = ".tflite") -> Path:
    """Refuse an output name without ``suffix`` or in a folder that cannot be written, before any work is done."""
    output = Path(output)
    if output.suffix != suffix:
        raise EdgeError(f"{output}: the output name must end in {suffix}")
    folder = output.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    unwritable = output.exists() and not os.access(output, os.W_OK)
    if output.is_dir() or unwritable or not os.access(folder, os.W_OK | os.X_OK):
        raise EdgeError(f"{output}: cannot write there (permission denied or a folder of that name)")
    return output


def verification_images(size: tuple[int, int]) -> np.ndarray:
    """The bundled real photographs at ``size`` with the evaluation transform, in [0, 255]."""
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
) -> ExportReport:
    """Export ``model`` (a classifier with a ``[1, classes]`` output) to ``output``, with metadata.

    ``labels`` default to ImageNet's for 1000 classes, else numbers. ``verify_images`` (in [0, 255])
    default to the bundled photographs. A JSON report is written beside the model (``<output>.json``).
    Nothing is written if any step fails.
    """
    output = check_output_path(output)
    if len(model.outputs) != 1 or len(model.outputs[0].shape) != 2:
        raise EdgeError("export_classifier needs a model with one (batch, classes) output (include_top=True)")
    classes = int(model.outputs[0].shape[-1])
    labels = class_names(None, classes) if labels is None else labels
    if len(labels) != classes:
        raise EdgeError(f"{len(labels)} labels given for a model with {classes} classes")

    conversion = convert(model, quantization, io_type, representative)
    scale = input_scale(model)
    flatbuffer = add_classifier_metadata(conversion.flatbuffer, labels, input_range=(0.0, 255.0 * scale))
    images = verification_images(conversion.input_size) if verify_images is None else verify_images
    images = images * scale
    report = ExportReport(
        output, "classification", quantization, io_type, len(flatbuffer), conversion.calibration,
        fidelity(model, LiteRTModel.load(flatbuffer, KERNEL_SETS[0]), images),
        edgetpu=check_edgetpu(flatbuffer) if check_edgetpu_rules else None,
    )  # fmt: skip
    check_kernels(report, flatbuffer, images, lambda kernels: fidelity(model, LiteRTModel.load(flatbuffer, kernels),
                                                                        images))  # fmt: skip
    if conversion.calibration and conversion.calibration["folders"] is None:
        report.notes.append("calibrated on generated images: pass a folder of real photos for better int8 ranges")
    report.write(flatbuffer)
    return report
