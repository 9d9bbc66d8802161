"""Build a MobileViTv2, load a checkpoint, classify photos, print the top-5 with timings (``mv2 demo``)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from keras_mv2.applications import MobileViTv2, decode_predictions, eval_transform
from keras_mv2.samples import sample_images


def run_demo(
    weights: str | None,
    alpha: float = 1.0,
    images: list[str | Path] | None = None,
    size: int = 256,
    top: int = 5,
    repeats: int = 10,
    print_fn=print,
) -> list[list[tuple[str, str, float]]]:
    """Classify ``images`` (default: the bundled samples) and print the top-``top`` classes with timings.

    Returns the decoded predictions, one list per image.
    """
    paths = [Path(p) for p in images] if images else sample_images()
    start = time.perf_counter()
    model = MobileViTv2(alpha=alpha, weights=weights, input_shape=(size, size, 3))
    print_fn(f"model  {model.name}  weights={weights}  built and loaded in {time.perf_counter() - start:.2f} s")

    batch = np.stack([eval_transform(p, size) for p in paths])
    start = time.perf_counter()
    predict = _compiled_forward(model)
    predict(batch[:1])
    print_fn(f"first call (tracing and compiling) {time.perf_counter() - start:.2f} s")

    latencies = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(batch[:1])
        latencies.append(time.perf_counter() - start)
    predict(batch)  # a new batch size traces again: keep that out of the timing
    start = time.perf_counter()
    probabilities = np.asarray(predict(batch))
    batch_time = time.perf_counter() - start
    print_fn(
        f"latency batch 1: median {1000 * np.median(latencies):.1f} ms over {repeats} runs; "
        f"batch {len(paths)}: {1000 * batch_time:.1f} ms"
    )

    decoded = decode_predictions(probabilities, top=top)
    for path, rows in zip(paths, decoded, strict=True):
        print_fn(f"\n{path.name}")
        for rank, (wnid, name, score) in enumerate(rows, 1):
            print_fn(f"  {rank}. {name:<32s} {wnid}  {score:.4f}")
    return decoded


def _compiled_forward(model):
    """A traced inference function (``model.predict`` re-plans on every call and is slow for one image)."""
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    return lambda x: keras.ops.convert_to_numpy(model(x, training=False))
