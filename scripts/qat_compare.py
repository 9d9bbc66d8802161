#!/usr/bin/env python3
"""The README's QAT tables: post-training int8 vs float32 and quantisation-aware fine-tuning, on held-out images.

Starts from a trained classifier (.keras) and measures on held-out data: the model in float32 (Keras) and
full int8 (LiteRT, post-training), then the same after more epochs of float32 fine-tuning and of
quantisation-aware fine-tuning (keras_mv2.training.qat), each converted to full int8 calibrated on training
images drawn over the classes. Data: a folder with one sub-folder per class, or ``fashion-mnist`` (train on its
training split, optionally its first --train-limit images; measure on its 10,000 test images).

    # the digits model scripts/int8_benchmark.sh trains
    .venv/bin/python scripts/qat_compare.py --model artifacts/int8/digits/run/model.keras \\
        --train artifacts/int8/digits/data/train --test artifacts/int8/digits/data/val
    # its Fashion-MNIST MobileViTv2-0.5
    .venv/bin/python scripts/qat_compare.py --model artifacts/int8/mobilevitv2/model.keras \\
        --train fashion-mnist --test fashion-mnist --epochs 1 --train-limit 12000
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from keras_mv2.utils.console import quiet_tensorflow


def compare_with_post_training(
    model_path: str, train: str, test: str, epochs: int = 2, learning_rate: float = 1e-4,
    train_limit: int | None = None, batch_size: int = 32,
) -> list[dict]:  # fmt: skip
    """One row per model (trained; +``epochs`` float32 fine-tuning; +``epochs`` quantisation-aware fine-tuning):
    held-out top-1 in Keras float32 and LiteRT full int8, and their top-1 agreement."""
    import keras

    from edge import LiteRTModel, calibration_data, convert
    from edge.evaluation import accuracy_table, predicted_classes
    from keras_mv2.training import load_fashion_mnist, make_dataset, scan_image_folder
    from keras_mv2.training.fashion_mnist import NAME as FASHION_MNIST
    from keras_mv2.training.qat import fine_tune

    if train_limit is not None and train != FASHION_MNIST:
        raise ValueError("--train-limit applies to fashion-mnist only")
    base = keras.models.load_model(model_path)
    size = tuple(base.inputs[0].shape[1:3])
    calibration = calibration_data(train, size)
    train_data = load_fashion_mnist("train", train_limit) if train == FASHION_MNIST else scan_image_folder(train)
    train_ds = make_dataset(train_data, size[0], batch_size, True, augment=False)

    def measure(name: str, model: keras.Model) -> dict:
        int8 = LiteRTModel.load(convert(model, "int8", "float32", calibration).flatbuffer)
        predictors = {"keras_float32": lambda x: model.predict(x, verbose=0, batch_size=128), "litert_int8": int8}
        predictions, labels = predicted_classes(predictors, test, size)
        return {"model": name, **accuracy_table(predictions, labels, reference="keras_float32")}

    rows = [measure("trained model", base)]
    for aware in (False, True):
        model = keras.models.load_model(model_path)
        fine_tune(model, train_ds, None, epochs, learning_rate, aware=aware)
        kind = "quantisation-aware" if aware else "float32"
        rows.append(measure(f"+{epochs} epoch(s) {kind} fine-tuning", model))
    for row in rows:
        row["calibration"] = calibration.coverage()
        row["fine_tuning"] = {"epochs": epochs, "learning_rate": learning_rate, "train_images": len(train_data)}
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="a trained classifier (.keras), e.g. mv2 train's model.keras")
    parser.add_argument("--train", required=True, help="class folder or fashion-mnist: fine-tuning and calibration")
    parser.add_argument("--test", required=True, help="class folder or fashion-mnist (its test split): measuring")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--train-limit", type=int, default=None, help="fashion-mnist: fine-tune on its first N images")
    parser.add_argument("--output", help="JSON file for the table (default: qat_table.json beside the model)")
    args = parser.parse_args()
    quiet_tensorflow()  # before anything imports TensorFlow
    rows = compare_with_post_training(
        args.model, args.train, args.test, args.epochs, args.learning_rate, args.train_limit
    )
    print("\n| model | Keras float32 | LiteRT int8 | drop (points) | int8 = float32 |\n|---|---|---|---|---|")
    for row in rows:
        float32, int8 = row["keras_float32_top1"], row["litert_int8_top1"]
        agreement = row["litert_int8_agreement_with_keras_float32"]
        print(f"| {row['model']} | {100 * float32:.2f}% | {100 * int8:.2f}% | {100 * (float32 - int8):+.2f} | "
              f"{100 * agreement:.2f}% |")  # fmt: skip
    output = Path(args.output or Path(args.model).with_name("qat_table.json"))
    output.write_text(json.dumps(rows, indent=2))
    print(f"{rows[0]['images']} held-out images; {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
