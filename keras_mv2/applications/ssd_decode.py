"""From SSD head outputs to detections: box decoding (as ml-cvnets) and non-maximum suppression (TensorFlow's)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# ml-cvnets' SSD matcher: regressions are scaled by these variances.
CENTER_VARIANCE, SIZE_VARIANCE = 0.1, 0.2


def decode_boxes(box_regressions: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    r"""Regressions ``(..., N, 4)`` ``(t_x, t_y, t_w, t_h)`` and anchors ``(N, 4)`` ``(cx, cy, w, h)`` to
    normalised corners ``(x1, y1, x2, y2)``.

    .. math:: c = t_c \cdot 0.1 \cdot a_{wh} + a_c, \qquad wh = e^{t_{wh} \cdot 0.2}\, a_{wh}
    """
    t = np.asarray(box_regressions, np.float32)
    centre = t[..., :2] * CENTER_VARIANCE * anchors[:, 2:] + anchors[:, :2]
    size = np.exp(t[..., 2:] * SIZE_VARIANCE) * anchors[:, 2:]
    return np.concatenate([centre - size / 2, centre + size / 2], axis=-1)


@dataclass
class Detections:
    """One image's detections, best first: ``boxes`` as normalised ``(x1, y1, x2, y2)``."""

    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray


def detect(
    class_logits: np.ndarray,
    box_regressions: np.ndarray,
    anchors: np.ndarray,
    score_threshold: float = 0.01,
    iou_threshold: float = 0.5,
    max_detections: int = 200,
) -> list[Detections]:
    """Softmax scores, decoded boxes and per-class NMS for a batch; class 0 (background) is never returned.

    ml-cvnets' settings are the defaults. It also keeps only the 400 best boxes per class before
    NMS; ``tf.image.combined_non_max_suppression`` has no such pre-filter, which can only matter
    when more than 400 boxes of one class pass the threshold.
    """
    import tensorflow as tf

    logits = np.asarray(class_logits, np.float32)
    scores = np.exp(logits - logits.max(-1, keepdims=True))
    scores /= scores.sum(-1, keepdims=True)
    corners = decode_boxes(box_regressions, anchors)
    yx = corners[..., [1, 0, 3, 2]][:, :, None, :]  # TensorFlow's NMS takes (y1, x1, y2, x2)
    boxes, kept_scores, classes, counts = tf.image.combined_non_max_suppression(
        yx, scores[..., 1:], max_output_size_per_class=max_detections, max_total_size=max_detections,
        iou_threshold=iou_threshold, score_threshold=score_threshold, clip_boxes=False,
    )  # fmt: skip
    results = []
    for image in range(len(logits)):
        count = int(counts[image])
        results.append(
            Detections(
                boxes=boxes[image, :count].numpy()[:, [1, 0, 3, 2]],
                scores=kept_scores[image, :count].numpy(),
                classes=classes[image, :count].numpy().astype(np.int64) + 1,
            )
        )
    return results
