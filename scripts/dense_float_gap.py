#!/usr/bin/env python3
"""How far Apple's float32 dense fixtures are from the network's exact outputs, next to our float32 outputs.

Evaluates DeepLabv3 and SSDLite (MobileViTv2-0.5, the fixture checkpoints) on the fixture images in float32
and in float64 (floatx and dtype policy float64, input ``x / 255`` computed in float64) and prints the max
|error| against the fixtures per output (SSD: per anchor level). When the float64 column exceeds 1e-4,
the fixture itself is that far from the exact value. Usage: ``.venv/bin/python scripts/dense_float_gap.py``
(KERAS_MV2_SHARED as for the tests; about two minutes).
"""

import os
import sys
from pathlib import Path

import numpy as np

FIXTURES = Path(os.environ.get("KERAS_MV2_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "fixtures"
CASES = [("deeplabv3-voc", "512x512"), ("deeplabv3-voc", "256x384"), ("ssdlite-coco", "320x320"),
         ("ssdlite-coco", "256x384")]  # fmt: skip


def errors(policy: str) -> dict[str, float]:
    import keras

    keras.config.set_floatx(policy)
    keras.config.set_dtype_policy(policy)
    from keras_mv2.applications import DeepLabV3MobileViTv2, SSDLiteMobileViTv2

    dtype = np.dtype(policy).type
    found = {}
    for task, size in CASES:
        height, width = map(int, size.split("x"))
        with np.load(FIXTURES / "cvnets-dense" / f"cvnets-{task}-mobilevitv2-0.5-io-{size}.npz") as data:
            io = {key: data[key] for key in data.files}
        images = io["image_nchw_uint8"].transpose(0, 2, 3, 1).astype(dtype) / dtype(255)  # as ml-cvnets feeds it
        weights = str(FIXTURES / "cvnets-dense" / f"cvnets-{task}-mobilevitv2-0.5-random.pt")
        common = {"weights": weights, "input_shape": (height, width, 3), "include_preprocessing": False}
        if task.startswith("deeplab"):
            model = DeepLabV3MobileViTv2(0.5, classes=21, **common)
            logits = np.asarray(model.predict(images, verbose=0))[:, ::8, ::8].transpose(0, 3, 1, 2)
            found[f"DeepLabv3 {size} logits"] = float(np.abs(logits - io["output_every_8th_pixel"]).max())
            continue
        model = SSDLiteMobileViTv2(0.5, classes=80, **common)
        outputs = model.predict(images, verbose=0)
        start = 0
        for index, layer in enumerate(layer for layer in model.layers if layer.name.endswith("_flatten")):
            stop = start + layer.output.shape[1]
            for key in ("class_logits", "box_regressions"):
                error = np.abs(outputs[key][:, start:stop] - io[key][:, start:stop]).max()
                found[f"SSD {size} level {index} {key}"] = float(error)
            start = stop
    return found


def main() -> int:
    if not (FIXTURES / "cvnets-dense").is_dir():
        print(f"no fixtures at {FIXTURES / 'cvnets-dense'} (set KERAS_MV2_SHARED)", file=sys.stderr)
        return 2
    if len(sys.argv) > 1:  # one precision per process: Keras' floatx is global
        for name, error in errors(sys.argv[1]).items():
            print(f"{name}\t{error:.3e}")
        return 0
    import subprocess

    columns = {}
    for policy in ("float32", "float64"):
        lines = subprocess.run([sys.executable, __file__, policy], capture_output=True, text=True, check=True).stdout
        columns[policy] = dict(line.split("\t") for line in lines.splitlines())
    print(f"{'max |error| vs the fixture':<40s} {'float32':>10s} {'float64':>10s}")
    for name, error in columns["float32"].items():
        print(f"{name:<40s} {float(error):10.2e} {float(columns['float64'][name]):10.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
