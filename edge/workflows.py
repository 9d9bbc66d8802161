"""Whole jobs from files and names to files, one function per ``mv2`` command of the edge pipeline.

Each composes the small steps (build or load a model, choose calibration data, convert, add metadata,
verify, write) so that the command line only parses arguments; each is as usable from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np

from edge.app_assets import write_app_assets
from edge.dense_export import export_dense
from edge.edgetpu import compile_for_edgetpu
from edge.errors import EdgeError
from edge.evaluation import accuracy_table, labelled_class_names, predicted_classes
from edge.export import ExportReport, check_output_path, export_classifier
from edge.fidelity import per_layer_errors, write_csv
from edge.predictor import load_keras_model, load_predictor
from edge.representative import calibration_data, generated
from edge.runtime import KERNEL_SETS
from keras_mv2.applications import build_model, class_names, eval_transform, task_dataset


def read_labels(path: str | Path) -> list[str]:
    """A labels file: one class name per line, blank lines ignored."""
    path = Path(path)
    if not path.is_file():
        raise EdgeError(f"{path}: no such labels file")
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def classifier_model(model_file: str | Path | None = None, alpha: float | None = None, weights=None, size: int = 256):
    """A saved ``.keras`` classifier, or ``MobileViTv2(alpha, weights)`` at ``size`` x ``size`` (width and class
    count from a checkpoint file when not given)."""
    if model_file:
        path = Path(model_file)
        if path.suffix != ".keras" or not path.exists():
            raise EdgeError(f"{path}: no such .keras file")
        return load_keras_model(path)
    return build_model("classification", alpha, weights, size)


def export_classifier_files(
    output: str | Path,
    model_file: str | Path | None = None,
    alpha: float | None = None,
    weights=None,
    size: int = 256,
    quantization: str = "float32",
    io_type: str = "float32",
    representative: str | Path | None = None,
    labels: str | Path | None = None,
    target: str = "cpu",
    debug_layers: str | Path | None = None,
    app_assets: str | Path | None = None,
    evaluate: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> ExportReport:
    """``mv2 export``: build or load the classifier, export it, and optionally measure top-1 of Keras and of the
    export on ``evaluate`` (``fashion-mnist`` or a class-folder tree) into the report, write per-layer errors,
    the Android app's assets and an Edge TPU compilation. Output paths are checked before any work."""
    output = check_output_path(output)
    if debug_layers:
        check_output_path(debug_layers, ".csv")
    if target == "edgetpu" and quantization != "int8":
        raise EdgeError("--target edgetpu needs --quantization int8")
    names = read_labels(labels) if labels else None
    evaluation_classes = labelled_class_names(evaluate) if evaluate else None
    model = classifier_model(model_file, alpha, weights, size)
    image_size = tuple(model.inputs[0].shape[1:3])
    if evaluation_classes is not None and len(evaluation_classes) != model.outputs[0].shape[-1]:
        raise EdgeError(
            f"--evaluate {evaluate}: {len(evaluation_classes)} classes, but the model has "
            f"{model.outputs[0].shape[-1]} outputs"
        )
    calibration = calibration_data(representative, image_size) if quantization in ("int8", "int16x8") else None
    log(f"converting to {quantization} ...")
    report = export_classifier(
        model, output, quantization, io_type, calibration, names, check_edgetpu_rules=target == "edgetpu"
    )
    log(report.summary())
    if evaluate:
        report.extra["evaluation"] = evaluate_export(model, report, evaluate)
        report.write_json()
        log(f"on {evaluate}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                           for k, v in report.extra["evaluation"].items()))  # fmt: skip
    if app_assets:
        log(f"app assets: {write_app_assets(report.path, app_assets, quantization)} (+ the model and labels.txt)")
    if debug_layers:
        rows = per_layer_errors(model, calibration or generated(image_size), quantization)
        write_csv(rows, debug_layers)
        log(f"per-layer quantisation error: {debug_layers}; worst:")
        for row in rows[:5]:
            log(f"  {row['rmse/scale']:8.2f} steps  {row['op']:<18s} {row['tensor']}")
    if report.edgetpu is not None:
        log(report.edgetpu.summary())
        try:
            log(f"compiled: {compile_for_edgetpu(report.path, report.path.parent)}")
        except EdgeError as error:  # the compiler is optional: report it and keep the exported model
            log(f"edgetpu_compiler: {error}")
    return report


def evaluate_export(model: keras.Model, report: ExportReport, data: str | Path) -> dict:
    """Top-1 of the Keras model (``float32``) and of its export (named by its quantisation) on ``data``, and
    how often the export's best class is the Keras model's. An int8 export is measured on each CPU kernel set
    (``litert_int8`` is XNNPACK's, ``litert_int8_cpu`` the builtin kernels')."""
    exported = load_predictor(report.path)
    name = "litert_" + report.quantization
    predictors = {"float32": lambda x: model.predict(x, verbose=0, batch_size=64), name: exported}
    if report.quantization == "int8":
        for kernels in KERNEL_SETS[1:]:
            predictors[f"{name}_{kernels}"] = load_predictor(report.path, kernels)
    predictions, labels = predicted_classes(predictors, data, exported.input_size)
    return {"data": str(data), **accuracy_table(predictions, labels, reference="float32")}


def export_dense_files(
    task: str,
    output: str | Path,
    alpha: float | None = None,
    weights=None,
    size: int | None = None,
    dataset: str | None = None,
    classes: int | None = None,
    quantization: str = "float32",
    representative: str | Path | None = None,
    log: Callable[[str], None] = print,
) -> ExportReport:
    """``mv2 export-dense``: a segmentation (DeepLabv3) or detection (SSDLite) model to LiteRT, MediaPipe-ready."""
    output = check_output_path(output)
    if task not in ("segmentation", "detection"):
        raise EdgeError(f"export-dense exports segmentation or detection models, not {task!r}")
    model = build_model(task, alpha, weights, size, dataset, classes)
    image_size = tuple(model.inputs[0].shape[1:3])
    calibration = calibration_data(representative, image_size) if quantization == "int8" else None
    log(f"converting to {quantization} ...")
    names = None  # detection: COCO's names for its 81 classes (background included), else numbers
    if task == "segmentation":
        names = class_names(task_dataset(task, weights, dataset), int(model.outputs[0].shape[-1]))
    report = export_dense(model, output, names, quantization, calibration)
    log(report.summary())
    return report


def classify_files(
    model_file: str | Path, images: list[str | Path], delegate: str = "xnnpack", threads: int = 2, top: int = 5
) -> list[list[tuple[str, float]]]:
    """``mv2 classify``: the ``top`` classes and scores of each image, by a ``.tflite`` or ``.keras`` model."""
    predictor = load_predictor(model_file, delegate, threads)
    scores = predictor(np.stack([eval_transform(path, predictor.input_size) for path in images]))
    names = predictor.labels or class_names(None, scores.shape[1])
    if len(names) != scores.shape[1]:
        raise EdgeError(f"{model_file}: {len(names)} labels in its metadata for {scores.shape[1]} outputs")
    return [[(names[i], float(row[i])) for i in np.argsort(-row, kind="stable")[:top]] for row in scores]


def evaluate_model(model_file: str | Path, data: str | Path, threads: int = 2) -> dict:
    """``mv2 evaluate``: top-1 of a ``.tflite`` or ``.keras`` model on ``fashion-mnist`` or a class-folder tree."""
    predictor = load_predictor(model_file, threads=threads)
    predictions, labels = predicted_classes({"model": predictor}, data, predictor.input_size)
    return accuracy_table(predictions, labels)
