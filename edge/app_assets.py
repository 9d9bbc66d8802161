"""App assets for an exported classifier: the model, ``labels.txt`` and ``<model>.properties``.

The Android app (``android_app/``) reads these instead of parsing TFLite metadata on the phone. Every
value is read back from the exported file itself (its metadata and tensor details), so the app can
never disagree with what MediaPipe or the LiteRT support library would read from the same model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from edge.errors import EdgeError
from keras_mv2.utils import write_atomically


def app_properties(model_path: str | Path, quantization: str) -> tuple[dict[str, str], str]:
    """The properties the app needs, and the labels text, for the ``.tflite`` at ``model_path``."""
    from edge.metadata import metadata_buffer, read_metadata
    from edge.predictor import check_classifier
    from edge.runtime import LiteRTModel

    model_path = Path(model_path)
    runner = LiteRTModel.load(model_path)
    check_classifier(runner, str(model_path))
    data = model_path.read_bytes()
    metadata = {"json": {}, "files": {}}
    if metadata_buffer(data, str(model_path)) is not None:
        metadata = read_metadata(data, str(model_path))
    labels = metadata["files"].get("labels.txt")
    if not labels:
        raise EdgeError(f"{model_path}: no labels.txt in its metadata; export it with `mv2 export`")
    subgraphs = metadata["json"].get("subgraph_metadata") or [{}]
    inputs = subgraphs[0].get("input_tensor_metadata") or [{}]
    units = inputs[0].get("process_units", [])
    normalization = next((u["options"] for u in units if u.get("options_type") == "NormalizationOptions"), None)
    if normalization is None or not normalization["mean"] or not normalization["std"]:
        raise EdgeError(f"{model_path}: its metadata has no NormalizationOptions")
    height, width = runner.input_size
    classes = int(runner.output_details["shape"][-1])
    properties = {
        "model_file": model_path.name,
        "input_width": str(width),
        "input_height": str(height),
        "input_type": runner.input_details["dtype"].__name__,
        "normalization_mean": repr(float(normalization["mean"][0])),
        "normalization_std": repr(float(normalization["std"][0])),
        "classes": str(classes),
        "quantization": quantization,
        "labels_file": "labels.txt",
    }
    return properties, labels


def write_app_assets(model_path: str | Path, folder: str | Path, quantization: str) -> Path:
    """Copy the model into ``folder`` with ``labels.txt`` and ``<model stem>.properties``; returns the latter."""
    model_path = Path(model_path)
    folder = Path(folder)
    properties, labels = app_properties(model_path, quantization)
    folder.mkdir(parents=True, exist_ok=True)
    existing = folder / "labels.txt"
    if existing.is_file() and existing.read_text("utf-8") != labels:
        raise EdgeError(f"{existing} holds other labels than {model_path.name}: use one folder per label set")
    if model_path.resolve() != (folder / model_path.name).resolve():
        scratch = folder / f".{model_path.name}.tmp"
        shutil.copyfile(model_path, scratch)
        scratch.replace(folder / model_path.name)
    write_atomically(existing, labels.encode("utf-8"))
    text = "".join(f"{key}={value}\n" for key, value in properties.items())
    header = "# Written by `mv2 export --app-assets`: read by android_app's ModelSpec.\n"
    return write_atomically(folder / f"{model_path.stem}.properties", (header + text).encode("utf-8"))
