"""How closely the dense-task LiteRT exports follow Keras: segmentation logits and detector head outputs.

Quantisation noise is reported as a signal-to-quantisation-noise ratio, ``10 log10(sum r^2 / sum (c - r)^2)``
in dB: every 6 dB halves the error relative to the signal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from edge.errors import EdgeError
from edge.runtime import LiteRTModel, make_interpreter

# TFLite's detection post-processing op (box decoding and NMS), which the detector exports end with.
POSTPROCESS_OP = "TFLite_Detection_PostProcess"


def sqnr_db(reference: np.ndarray, candidate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``candidate`` against ``reference`` in dB (``inf`` when they are equal)."""
    reference, candidate = np.asarray(reference, np.float64), np.asarray(candidate, np.float64)
    if reference.shape != candidate.shape:
        raise EdgeError(f"cannot compare outputs of shapes {reference.shape} and {candidate.shape}")
    noise = float(np.sum((candidate - reference) ** 2))
    return float("inf") if noise == 0.0 else float(10.0 * np.log10(np.sum(reference**2) / noise))


@dataclass
class SegmenterFidelity:
    """Keras vs LiteRT segmentation on the same images."""

    images: int
    pixel_agreement: float  # fraction of pixels whose best class is the same
    max_abs_error: float
    logits_sqnr_db: float

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.images} images: same class on {100 * self.pixel_agreement:.2f}% of pixels, "
            f"logits SQNR {self.logits_sqnr_db:.1f} dB, max |error| {self.max_abs_error:.3g}"
        )


def segmenter_fidelity(
    model: keras.Model, litert: str | Path | bytes, images: np.ndarray, delegate: str = "xnnpack"
) -> SegmenterFidelity:
    """Run a DeepLabv3 Keras model and its LiteRT export (on ``delegate``) on ``images`` (``(N, H, W, 3)``) and
    compare."""
    images = np.asarray(images, np.float32)
    reference = model.predict(images, verbose=0, batch_size=4)
    candidate = LiteRTModel.load(litert, delegate)(images)
    return SegmenterFidelity(
        images=len(images),
        pixel_agreement=float((reference.argmax(-1) == candidate.argmax(-1)).mean()),
        max_abs_error=float(np.abs(reference - candidate).max()),
        logits_sqnr_db=sqnr_db(reference, candidate),
    )


def detector_head_outputs(
    litert: str | Path | bytes, images: np.ndarray, delegate: str = "xnnpack"
) -> tuple[np.ndarray, np.ndarray]:
    """The raw detector outputs inside an exported SSDLite, as the post-processing op receives them.

    Returns ``(box_regressions, class_scores)`` for ``images`` in the Keras model's layout: regressions
    ``(N, anchors, 4)`` as ``(tx, ty, tw, th)`` and softmax scores ``(N, anchors, classes)`` with
    background first. Read from the interpreter with all intermediate tensors kept.
    """
    interpreter = make_interpreter(litert, delegate, keep_all_tensors=True)
    ops = [op for op in interpreter._get_ops_details() if op["op_name"] == POSTPROCESS_OP]
    if len(ops) != 1:
        raise EdgeError(f"expected one {POSTPROCESS_OP} op in the detector, found {len(ops)}")
    box_index, score_index = ops[0]["inputs"][:2]
    image_input = interpreter.get_input_details()[0]
    regressions, scores = [], []
    for image in np.asarray(images, np.float32):
        interpreter.set_tensor(image_input["index"], image[None])
        interpreter.invoke()
        regressions.append(interpreter.get_tensor(box_index)[0][:, [1, 0, 3, 2]])  # the op's (ty, tx, th, tw)
        scores.append(interpreter.get_tensor(score_index)[0])
    return np.stack(regressions), np.stack(scores)


@dataclass
class DetectorFidelity:
    """Keras vs LiteRT detection on the same images, compared where the post-processing op starts."""

    images: int
    score_sqnr_db: float
    box_sqnr_db: float
    top_class_agreement: float  # anchors whose best class (background included) is the same
    # the same, over the anchors whose two best Keras scores are more than float32 rounding (1e-5) apart
    clear_top_class_agreement: float
    clear_anchors: float  # their share of all anchors

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.images} images: class scores SQNR {self.score_sqnr_db:.1f} dB, box regressions SQNR "
            f"{self.box_sqnr_db:.1f} dB, same best class on {100 * self.top_class_agreement:.1f}% of anchors "
            f"({100 * self.clear_top_class_agreement:.2f}% of the {100 * self.clear_anchors:.1f}% with a clear best)"
        )


def detector_fidelity(
    model: keras.Model, litert: str | Path | bytes, images: np.ndarray, delegate: str = "xnnpack"
) -> DetectorFidelity:
    """Run SSDLite in Keras and its LiteRT export (with the post-processing op, on ``delegate``) on ``images`` and
    compare."""
    images = np.asarray(images, np.float32)
    outputs = model.predict(images, verbose=0, batch_size=4)
    scores = np.asarray(keras.ops.softmax(outputs["class_logits"], axis=-1))
    litert_boxes, litert_scores = detector_head_outputs(litert, images, delegate)
    same = scores.argmax(-1) == litert_scores.argmax(-1)
    best_two = np.sort(scores, axis=-1)[..., -2:]
    clear = best_two[..., 1] - best_two[..., 0] > 1e-5
    return DetectorFidelity(
        images=len(images),
        score_sqnr_db=sqnr_db(scores, litert_scores),
        box_sqnr_db=sqnr_db(outputs["box_regressions"], litert_boxes),
        top_class_agreement=float(same.mean()),
        clear_top_class_agreement=float(same[clear].mean()) if clear.any() else 1.0,
        clear_anchors=float(clear.mean()),
    )
