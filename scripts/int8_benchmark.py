#!/usr/bin/env python3
"""The int8 benchmark: how much full-int8 LiteRT costs trained models on real data, against an ordinary CNN.

Trains (once; a rerun with the same settings only re-measures) MobileViTv2-0.5 and keras.applications'
MobileNetV2-0.5 (the control) at 64x64 from scratch on Fashion-MNIST with the same recipe and pipeline
(`mv2 train`'s), and MobileViTv2-0.5 on scikit-learn's digits as in scripts/finetune_digits.sh. Each is exported
to float32 and full int8 (calibrated on 200 training images drawn evenly over the classes) and measured on the
held-out images: top-1 of Keras float32, LiteRT float32 and LiteRT int8, the drop, int8-vs-float32 agreement,
and the float32/int8 latency ratio at 1 and 2 threads; MobileViTv2-1.0 at 256x256 is timed the same way.
Writes artifacts/int8/int8_benchmark.json and .png (a chart) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

from keras_mv2.utils.console import quiet_tensorflow

# The digits recipe (scripts/finetune_digits.sh): RandAugment, random erasing and mixing need hundreds of epochs
# to pay off; the crop keeps most of each small object.
GENTLE = {
    "randaugment": False,
    "random_erasing": 0.0,
    "mixup_alpha": 0.0,
    "cutmix_alpha": 0.0,
    "crop_scale": [0.5, 1.0],
}
# Fashion-MNIST is trained for a few epochs over 60,000 images, too short for augmentation to pay off (`mv2 train
# --no-augment`): after one epoch on 12,000 images MobileViTv2-0.5 reached 82.3% test top-1 without it and 77.5%
# with a random crop (scale 0.6-1.0) and flip.
FASHION_MNIST_RECIPE = {"learning_rate": 0.003}


def cached_train(config) -> Path:
    """Train unless ``config.output_dir`` holds a finished run of the same configuration."""
    from keras_mv2.training import train

    def settings(recorded: dict) -> dict:
        return {key: value for key, value in recorded.items() if key != "restart"}

    summary_path = Path(config.output_dir) / "summary.json"
    wanted = settings(json.loads(json.dumps(asdict(config))))
    if summary_path.is_file() and settings(json.loads(summary_path.read_text()).get("config", {})) == wanted:
        print(f"{config.output_dir}: trained already (delete the folder to train again)")
    else:  # the benchmark's own folder: a run with other settings (or an unfinished one) is replaced
        started = time.perf_counter()
        train(replace(config, restart=summary_path.is_file()), progress=2)
        print(f"{config.output_dir}: trained in {(time.perf_counter() - started) / 60:.1f} min")
    return Path(config.output_dir) / "model.keras"


def measure(name: str, model_path: Path, data: str, calibration_source: str, threads: tuple[int, ...]) -> dict:
    import keras

    from edge import LiteRTModel, convert
    from edge.benchmark import benchmark_models
    from edge.evaluation import accuracy_table, predicted_classes
    from edge.representative import calibration_data

    model = keras.models.load_model(model_path)
    size = tuple(model.inputs[0].shape[1:3])
    calibration = calibration_data(calibration_source, size)
    flatbuffers = {
        "float32": convert(model).flatbuffer,
        "int8": convert(model, "int8", "float32", calibration).flatbuffer,
    }
    predictors = {
        "keras_float32": lambda x: model.predict(x, verbose=0, batch_size=128),
        "litert_float32": LiteRTModel.load(flatbuffers["float32"]),
        "litert_int8": LiteRTModel.load(flatbuffers["int8"]),
    }
    predictions, labels = predicted_classes(predictors, data, size)
    table = accuracy_table(predictions, labels, reference="litert_float32")
    timing = benchmark_models({f"{name} {k}": v for k, v in flatbuffers.items()}, threads, progress=lambda _: None)
    medians = {(r["name"].rsplit(" ", 1)[1], r["threads"]): r["median_ms"] for r in timing["models"]}
    return {
        "model": name, "data": data, "calibration": calibration.coverage(), **table,
        "drop_points": 100 * (table["litert_float32_top1"] - table["litert_int8_top1"]),
        "latency_ms": {f"{kind}_{t}thr": medians[(kind, t)] for kind in flatbuffers for t in threads},
        "float32_over_int8": {f"{t}thr": medians[("float32", t)] / medians[("int8", t)] for t in threads},
    }  # fmt: skip


def big_model_speed(threads: tuple[int, ...]) -> dict:
    """MobileViTv2-1.0 at 256x256 (random weights: only the time matters), float32 vs int8."""
    import keras

    from edge import convert, generated
    from edge.benchmark import benchmark_models
    from keras_mv2.applications import MobileViTv2

    keras.utils.set_random_seed(0)
    model = MobileViTv2(1.0, input_shape=(256, 256, 3))
    flatbuffers = {
        "float32": convert(model).flatbuffer,
        "int8": convert(model, "int8", "float32", generated((256, 256), 16)).flatbuffer,
    }
    timing = benchmark_models(flatbuffers, threads, progress=lambda _: None)
    medians = {(r["name"], r["threads"]): r["median_ms"] for r in timing["models"]}
    return {
        "model": "MobileViTv2-1.0 256x256",
        "latency_ms": {f"{kind}_{t}thr": medians[(kind, t)] for kind in flatbuffers for t in threads},
        "float32_over_int8": {f"{t}thr": medians[("float32", t)] / medians[("int8", t)] for t in threads},
        "machine_gemm_gmac_per_s": timing["machine_gemm_gmac_per_s"],
    }  # fmt: skip


def plot(rows: list[dict], speed: dict, path: Path) -> Path:
    """Left: held-out top-1 of each model in Keras float32, LiteRT float32 and LiteRT int8; right: how much
    faster int8 runs than float32 at each thread count, the 64x64 models and MobileViTv2-1.0 at 256x256."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, (accuracy, ratio) = plt.subplots(1, 2, figsize=(12, 4.4))
    drops = [row["drop_points"] for row in rows]
    bars = accuracy.bar(np.arange(len(rows)), drops, 0.5, color=["tab:green" if d <= 0.5 else "tab:red" for d in drops])
    accuracy.bar_label(bars, [f"{d:+.2f} points\nagree {100 * r['litert_int8_agreement_with_litert_float32']:.1f}%"
                              for d, r in zip(drops, rows, strict=True)], fontsize=8)  # fmt: skip
    accuracy.axhline(0.5, color="tab:red", linestyle="--", linewidth=0.8, label="target: at most 0.5 point")
    accuracy.axhline(0.0, color="grey", linewidth=0.8)
    labels = [f"{r['model']}\nfloat32 {100 * r['litert_float32_top1']:.1f}%" for r in rows]
    accuracy.set_xticks(np.arange(len(rows)), labels, fontsize=8)
    accuracy.set_ylim(min(-0.5, *drops) - 0.3, max(1.0, *drops) + 0.4)
    accuracy.set_ylabel("top-1 lost by full int8, points (LiteRT)")
    accuracy.set_title("post-training int8: drop and agreement with float32, held-out images", fontsize=9)
    accuracy.legend(fontsize=8)
    speed_rows = [*rows, {"model": "MobileViTv2-1.0 256x256", **speed}]
    threads = list(rows[0]["float32_over_int8"])
    for i, count in enumerate(threads):
        values = [r["float32_over_int8"][count] for r in speed_rows]
        bars = ratio.bar(
            np.arange(len(speed_rows)) + (i - 0.5) * 0.4, values, 0.4, label=count.replace("thr", " thread(s)")
        )
        ratio.bar_label(bars, fmt="%.2fx", fontsize=7)
    ratio.axhline(1.0, color="grey", linewidth=0.8)
    ratio.set_xticks(np.arange(len(speed_rows)), [r["model"] for r in speed_rows], fontsize=7, rotation=15, ha="right")
    ratio.set_ylabel("float32 time / int8 time")
    ratio.set_title("int8 speed-up, LiteRT + XNNPACK, batch 1", fontsize=9)
    ratio.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", default="artifacts/int8")
    parser.add_argument("--epochs", type=int, default=6, help="Fashion-MNIST epochs for both models")
    parser.add_argument("--train-limit", type=int, default=None, help="train on the first N Fashion-MNIST images")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    quiet_tensorflow()

    from keras_mv2.training import TrainConfig
    from keras_mv2.training.datasets import write_digits

    out = Path(args.output_dir)
    common = {"data": "fashion-mnist", "alpha": 0.5, "image_size": 64, "batch_size": 64, "epochs": args.epochs,
              "train_limit": args.train_limit, "augment": False, "recipe_overrides": FASHION_MNIST_RECIPE}  # fmt: skip
    started = time.perf_counter()
    runs = [
        ("MobileViTv2-0.5", cached_train(TrainConfig(output_dir=str(out / "mobilevitv2"), **common)),
         "fashion-mnist", "fashion-mnist"),
        ("MobileNetV2-0.5 (control)", cached_train(TrainConfig(output_dir=str(out / "mobilenetv2"),
                                                               architecture="mobilenetv2", **common)),
         "fashion-mnist", "fashion-mnist"),
    ]  # fmt: skip
    digits = out / "digits" / "data"
    if not (digits / "val").is_dir():
        write_digits(digits, 64, validation_fraction=0.2)
    digits_config = TrainConfig(
        data=str(digits / "train"), validation_data=str(digits / "val"), output_dir=str(out / "digits" / "run"),
        alpha=0.5, image_size=64, batch_size=32, epochs=6,
        recipe_overrides={"learning_rate": 0.003, **GENTLE},
    )  # fmt: skip
    runs.append(("MobileViTv2-0.5 digits", cached_train(digits_config), str(digits / "val"), str(digits / "train")))
    threads = tuple(args.threads)
    rows = [measure(name, path, data, calibration, threads) for name, path, data, calibration in runs]
    speed = big_model_speed(threads)
    result = {"rows": rows, "speed": speed, "minutes": (time.perf_counter() - started) / 60}
    out.mkdir(parents=True, exist_ok=True)
    (out / "int8_benchmark.json").write_text(json.dumps(result, indent=2))

    ratio_columns = " | ".join(f"fp32/int8 {t} thr" for t in threads)
    print(f"\n| model | data | Keras fp32 | LiteRT fp32 | LiteRT int8 | drop | int8 = fp32 | {ratio_columns} |")
    print("|---|---|---|---|---|---|---|" + "---|" * len(threads))
    for row in rows:
        ratios = " | ".join(f"{row['float32_over_int8'][f'{t}thr']:.2f}x" for t in threads)
        data = "Fashion-MNIST test (10,000)" if row["data"] == "fashion-mnist" else f"digits held out ({row['images']})"
        agreement = 100 * row["litert_int8_agreement_with_litert_float32"]
        print(f"| {row['model']} | {data} | {100 * row['keras_float32_top1']:.2f}% | "
              f"{100 * row['litert_float32_top1']:.2f}% | {100 * row['litert_int8_top1']:.2f}% | "
              f"{row['drop_points']:+.2f} | {agreement:.2f}% | {ratios} |")  # fmt: skip
    ratios = ", ".join(f"{speed['float32_over_int8'][f'{t}thr']:.2f}x at {t} thread(s)" for t in threads)
    print(f"\nMobileViTv2-1.0 256x256: int8 is {ratios} faster than float32 "
          f"({', '.join(f'{k} {v:.1f} ms' for k, v in speed['latency_ms'].items())}).")  # fmt: skip
    chart = plot(rows, speed, out / "int8_benchmark.png")
    print(f"whole run: {result['minutes']:.1f} min; {out / 'int8_benchmark.json'}, {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
