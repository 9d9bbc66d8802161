#!/usr/bin/env python3
"""The README's QAT table: float32 vs post-training int8 vs quantisation-aware int8, on held-out digits.

Run after `bash scripts/finetune_digits.sh` (it trains artifacts/digits/run/model.keras; --folder artifacts/int8/digits
uses the model scripts/int8_benchmark.sh trained with the same settings). Compared: the trained
model in float32 and post-training int8, then after more epochs of float32 fine-tuning and of quantisation-aware
fine-tuning (keras_mv2.training.qat), each converted to full int8 calibrated on training images.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from keras_mv2.utils.console import quiet_tensorflow


def compare_with_post_training(
    model_path: str, train_folder: str, validation_folder: str, epochs: int = 2, learning_rate: float = 1e-4
) -> list[tuple[str, float]]:
    """Held-out top-1 of a trained classifier: float32, post-training int8, and after ``epochs`` more epochs of
    float32 vs quantisation-aware fine-tuning (each then converted to full int8, calibrated on training images)."""
    import keras

    from edge import LiteRTModel, convert, from_folder
    from keras_mv2.applications import eval_transform
    from keras_mv2.training import make_dataset, scan_image_folder
    from keras_mv2.training.qat import fine_tune

    train, val = scan_image_folder(train_folder), scan_image_folder(validation_folder)
    base = keras.models.load_model(model_path)
    size = int(base.inputs[0].shape[1])
    images = np.stack([eval_transform(path, size) for path in val.files])
    calibration = from_folder(train_folder, (size, size))
    train_ds = make_dataset(train, size, 32, True, augment=False)
    val_ds = make_dataset(val, size, 32, False)

    def top1(predictions) -> float:
        return float((np.asarray(predictions).argmax(axis=1) == val.labels).mean())

    def int8_top1(model) -> float:
        return top1(LiteRTModel.load(convert(model, "int8", "float32", calibration).flatbuffer)(images))

    rows = [
        ("trained model, float32 (Keras)", top1(base.predict(images, verbose=0))),
        ("trained model, post-training int8 (LiteRT)", int8_top1(base)),
    ]
    for aware in (False, True):
        model = keras.models.load_model(model_path)
        fine_tune(model, train_ds, val_ds, epochs, learning_rate, aware=aware)
        kind = "quantisation-aware" if aware else "float32"
        rows.append((f"+{epochs} epochs {kind} fine-tuning, float32 (Keras)", top1(model.predict(images, verbose=0))))
        rows.append((f"+{epochs} epochs {kind} fine-tuning, full int8 (LiteRT)", int8_top1(model)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", default="artifacts/digits")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    args = parser.parse_args()
    quiet_tensorflow()  # before anything imports TensorFlow
    root = Path(args.folder)
    rows = compare_with_post_training(
        str(root / "run" / "model.keras"), str(root / "data" / "train"), str(root / "data" / "val"),
        args.epochs, args.learning_rate,
    )  # fmt: skip
    print("| model | held-out top-1 |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {100 * value:.1f}% |")
    (root / "qat_table.json").write_text(json.dumps(dict(rows), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
