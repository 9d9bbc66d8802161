"""How closely a LiteRT model follows its Keras original, and where quantisation loses accuracy."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from edge.errors import EdgeError
from keras_mv2.utils import write_atomically


@dataclass
class FidelityReport:
    """Keras vs LiteRT on the same images.

    ``top5_overlap`` is the mean fraction of Keras' five best classes that are also LiteRT's five best.
    """

    images: int
    max_abs_error: float
    mean_cosine: float
    min_cosine: float
    top1_agreement: float
    top5_overlap: float

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.images} images: max |error| {self.max_abs_error:.3g}, cosine mean {self.mean_cosine:.5f} "
            f"(min {self.min_cosine:.5f}), top-1 agreement {100 * self.top1_agreement:.1f}%, "
            f"top-5 overlap {100 * self.top5_overlap:.1f}%"
        )


def compare_outputs(reference: np.ndarray, candidate: np.ndarray) -> FidelityReport:
    """Compare two ``(N, classes)`` output arrays (the reference first)."""
    reference, candidate = np.asarray(reference, np.float64), np.asarray(candidate, np.float64)
    norms = np.linalg.norm(reference, axis=1) * np.linalg.norm(candidate, axis=1)
    cosine = (reference * candidate).sum(axis=1) / np.maximum(norms, 1e-30)
    top5_ref = np.argsort(-reference, axis=1)[:, :5]
    top5_cand = np.argsort(-candidate, axis=1)[:, :5]
    overlap = [len(set(a) & set(b)) / 5 for a, b in zip(top5_ref, top5_cand, strict=True)]
    return FidelityReport(
        images=len(reference),
        max_abs_error=float(np.abs(reference - candidate).max()),
        mean_cosine=float(cosine.mean()),
        min_cosine=float(cosine.min()),
        top1_agreement=float((top5_ref[:, 0] == top5_cand[:, 0]).mean()),
        top5_overlap=float(np.mean(overlap)),
    )


def fidelity(keras_model: keras.Model, litert_model, images: np.ndarray) -> FidelityReport:
    """Run both models on ``images`` (``(N, H, W, 3)`` in the Keras model's input range) and compare."""
    reference = keras_model.predict(np.asarray(images, np.float32), verbose=0, batch_size=8)
    return compare_outputs(reference, litert_model(images))


def input_noise_sensitivity(run, images: np.ndarray, sigma: float = 0.5, seed: int = 0) -> FidelityReport:
    """How far ``run``'s outputs move when ``images`` (in [0, 255]) get Gaussian noise of ``sigma`` grey levels.

    With ``sigma`` below one uint8 step this is a floor for any quantised copy of the same weights: if
    float32 itself changes its top-1 under noise that an 8-bit camera already has, no int8 graph can agree
    with it more closely.
    """
    images = np.asarray(images, np.float32)
    noisy = np.clip(images + np.random.default_rng(seed).normal(0, sigma, images.shape), 0, 255)
    return compare_outputs(run(images), run(noisy.astype(np.float32)))


def per_layer_errors(keras_model: keras.Model, representative, quantization: str = "int8") -> list[dict]:
    """Per-tensor quantisation error from TFLite's ``QuantizationDebugger``, worst first.

    Each row: ``tensor``, ``op``, ``rmse/scale`` (RMS error in units of the quantisation step;
    about 0.29 is ideal rounding) and ``mean_error``.
    """
    import tensorflow as tf

    from edge.convert import configure_quantization, converter_chatter_hidden, input_scale, static_batch_model

    if quantization not in ("int8", "int16x8"):
        raise EdgeError(f"per-layer errors are measured for int8 or int16x8 conversion, not {quantization!r}")
    model = static_batch_model(keras_model)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    configure_quantization(converter, quantization, representative, input_scale(model))
    with converter_chatter_hidden():
        debugger = tf.lite.experimental.QuantizationDebugger(
            converter=converter, debug_dataset=representative.dataset(np.float32, input_scale(model))
        )
        debugger.run()
    buffer = io.StringIO()
    debugger.layer_statistics_dump(buffer)
    rows = []
    for row in csv.DictReader(io.StringIO(buffer.getvalue())):
        scale = float(row["scale"] or 0.0)
        mse = float(row["mean_squared_error"])
        rows.append(
            {
                "tensor": row["tensor_name"],
                "op": row["op_name"],
                "rmse/scale": float(np.sqrt(mse) / scale) if scale > 0 else float("nan"),
                "mean_error": float(row["mean_error"]),
                "max_abs_error": float(row["max_abs_error"]),
            }
        )
    return sorted(rows, key=lambda row: -np.nan_to_num(row["rmse/scale"], nan=-1.0))


def write_csv(rows: list[dict], path: str | Path) -> Path:
    """Write :func:`per_layer_errors` rows as CSV (atomically)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["tensor"])
    writer.writeheader()
    writer.writerows(rows)
    return write_atomically(path, buffer.getvalue().encode())
