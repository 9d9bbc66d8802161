"""The ``mv2`` command: each sub-command parses its arguments and calls one public function.

TensorFlow's start-up logs are silenced before anything imports it (``--verbose`` shows them), so the
imports of the library happen inside the functions below, after :func:`main` has set that up.
"""

from __future__ import annotations

import argparse
import sys


def _demo(args) -> int:
    from keras_mv2.demos import run_demo

    run_demo(args.weights, alpha=args.alpha, images=args.images, size=args.size, top=args.top)
    return 0


def _convert_weights(args) -> int:
    from keras_mv2.applications import convert_checkpoint

    path = convert_checkpoint(args.checkpoint, args.output, alpha=args.alpha, include_top=not args.no_top)
    print(f"wrote {path}")
    return 0


def _export(args) -> int:
    from edge.workflows import export_classifier_files

    export_classifier_files(
        args.output, args.model, args.alpha, args.weights, args.size, args.quantization, args.io_type,
        args.representative, args.labels, args.target, args.debug_layers, args.app_assets, args.evaluate,
    )  # fmt: skip
    return 0


def _export_dense(args) -> int:
    from edge.workflows import export_dense_files

    export_dense_files(
        args.task, args.output, args.alpha, args.weights, args.size, args.dataset, args.classes, args.quantization,
        args.representative,
    )  # fmt: skip
    return 0


def _classify(args) -> int:
    from edge.workflows import classify_files
    from keras_mv2.utils.console import printable

    for path, rows in zip(args.images, classify_files(args.model_file, args.images, args.delegate, args.threads,
                                                      args.top), strict=True):  # fmt: skip
        print(path)
        for rank, (name, score) in enumerate(rows, 1):
            print(f"  {rank}. {printable(name, 64):<32s} {score:.4f}")  # labels come from the model file
    return 0


def _evaluate(args) -> int:
    from edge.workflows import evaluate_model

    table = evaluate_model(args.model_file, args.data, args.threads)
    print(f"{args.model_file}: top-1 accuracy {table['model_top1']:.4f} on {table['images']} images of {args.data}")
    return 0


def _segment(args) -> int:
    from keras_mv2.demos import segment_photo

    areas = segment_photo(args.image, args.output, args.alpha, args.weights, args.size, args.dataset, args.classes)
    print(f"wrote {args.output}")
    for name, area in sorted(areas.items(), key=lambda item: -item[1]):
        print(f"  {name:<20s} {100 * area:5.1f}% of the image")
    return 0


def _detect(args) -> int:
    from keras_mv2.demos import detect_photo

    found = detect_photo(args.image, args.output, args.threshold, args.alpha, args.weights, args.size, args.classes)
    print(f"wrote {args.output}: {len(found)} detection(s) with score >= {args.threshold}")
    for name, score, box in found[:20]:
        print(f"  {name:<16s} {score:.2f}  ({box[0]:.0f}, {box[1]:.0f}) - ({box[2]:.0f}, {box[3]:.0f})")
    return 0


def _train(args) -> int:
    import json

    from keras_mv2.training import TrainConfig, train

    overrides = json.loads(args.recipe) if args.recipe else {}
    if args.learning_rate is not None:
        overrides["learning_rate"] = args.learning_rate
    if args.no_mix:
        overrides.update(mixup_alpha=0.0, cutmix_alpha=0.0)
    config = TrainConfig(
        data=args.data, output_dir=args.output_dir, alpha=args.alpha, weights=args.weights, image_size=args.size,
        batch_size=args.batch_size, epochs=args.epochs, validation_data=args.validation_data,
        tfds_data_dir=args.tfds_data_dir, augment=not args.no_augment, strategy=args.strategy, seed=args.seed,
        recipe_overrides=overrides, train_limit=args.train_limit, restart=args.restart,
        skip_unreadable_images=args.skip_unreadable_images,
    )  # fmt: skip
    summary = train(config)
    print(f"validation accuracy {summary['validation_accuracy']:.4f}; model: {args.output_dir}/model.keras")
    return 0


def _serve_demo(args) -> int:
    from edge.serve import serve_demo

    serve_demo(args.model_file, args.host, args.port)
    return 0


def _benchmark(args) -> int:
    if args.dense:
        from edge.benchmark_suite import run_dense_benchmark

        run_dense_benchmark(args.output_dir, args.alpha, tuple(args.threads))
        print(f"wrote {args.output_dir}/dense_benchmark.json and dense_latency.png")
        return 0
    from edge.benchmark_suite import run_benchmark

    run_benchmark(
        args.output_dir, args.alpha, args.size, args.weights, tuple(args.threads), include_int8=not args.no_int8,
        compare_kimm=args.compare_kimm, extra_images=args.images_npz, attention=not args.no_attention,
    )  # fmt: skip
    print(f"wrote {args.output_dir}/benchmark.json and the charts beside it")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from edge.convert import IO_TYPES, QUANTIZATIONS
    from edge.dense_export import DENSE_QUANTIZATIONS
    from edge.runtime import DELEGATES
    from keras_mv2.applications import DATASETS
    from keras_mv2.training import STRATEGIES

    parser = argparse.ArgumentParser(prog="mv2", description="MobileViTv2 for Keras 3 and LiteRT.")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show what TensorFlow printed while loading, and the libraries' warnings "
        "(TensorFlow's later C++ logs stay at TF_CPP_MIN_LOG_LEVEL=3, set when keras_mv2 loads: KERAS_MV2_VERBOSE=1 "
        "keeps everything)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def model_arguments(command, weights: str | None = None, size: int | None = 256, alpha: float | None = 1.0):
        alpha_default = alpha if alpha is not None else "a checkpoint file's own, else 1.0"
        command.add_argument("--alpha", type=float, default=alpha, help=f"width multiplier ({alpha_default})")
        command.add_argument(
            "--weights",
            default=weights,
            help=f"checkpoint path, published name or hf:// id (default: {weights or 'random'})",
        )
        command.add_argument(
            "--size", type=int, default=size, help="input side" + ("" if size else " (default: the task's)")
        )

    demo = commands.add_parser("demo", help="classify photos (default: the bundled samples), top-5 with timings")
    demo.add_argument("images", nargs="*", help="image files (default: the bundled sample photos)")
    model_arguments(demo, "imagenet1k-256")
    demo.add_argument("--top", type=int, default=5)
    demo.set_defaults(func=_demo)

    convert = commands.add_parser("convert-weights", help="convert a checkpoint to a Keras .weights.h5 file")
    convert.add_argument(
        "checkpoint", help=".pt, Hugging Face directory/.safetensors/.bin, hf:// id, or published name"
    )
    convert.add_argument("output", help="output path ending in .weights.h5")
    convert.add_argument("--alpha", type=float, default=None, help="width (default: inferred from the checkpoint)")
    convert.add_argument("--no-top", action="store_true", help="drop the classifier")
    convert.set_defaults(func=_convert_weights)

    export = commands.add_parser("export", help="export a LiteRT (.tflite) classifier with metadata and a report")
    export.add_argument("output", help="output .tflite path (a .json report is written beside it)")
    export.add_argument("--model", help="a saved .keras classifier (instead of --alpha/--weights)")
    model_arguments(export, alpha=None)
    export.add_argument("--quantization", default="float32", choices=QUANTIZATIONS)
    export.add_argument("--io-type", default="float32", choices=IO_TYPES, help="int8 only")
    export.add_argument(
        "--representative", help="int8 calibration images: a folder, or fashion-mnist (default: generated)"
    )
    export.add_argument("--labels", help="labels file, one per line (default: ImageNet for 1000 classes)")
    export.add_argument("--target", choices=["cpu", "edgetpu"], default="cpu", help="edgetpu: check its rules, compile")
    export.add_argument("--debug-layers", metavar="CSV", help="write the per-layer quantisation error here")
    export.add_argument("--app-assets", metavar="DIR", help="also copy the model, labels.txt and .properties here")
    export.add_argument("--evaluate", metavar="DATA", help="top-1 of Keras and of the export on fashion-mnist or a "
                        "class-folder tree, written into the report")  # fmt: skip
    export.set_defaults(func=_export)

    dense = commands.add_parser("export-dense", help="export a segmentation or detection model to LiteRT for MediaPipe")
    dense.add_argument("task", choices=["segmentation", "detection"])
    dense.add_argument("output", help="output .tflite path (a .json report is written beside it)")
    model_arguments(dense, size=None, alpha=None)
    dense.add_argument("--dataset", choices=sorted(DATASETS), help="segmentation only (default: the weights')")
    dense.add_argument("--classes", type=int, default=None)
    dense.add_argument("--quantization", choices=DENSE_QUANTIZATIONS, default="float32")
    dense.add_argument("--representative", help="folder of images for int8 calibration (default: generated)")
    dense.set_defaults(func=_export_dense)

    classify = commands.add_parser("classify", help="classify images with a .tflite or .keras model")
    classify.add_argument("model_file", help=".tflite or .keras model")
    classify.add_argument("images", nargs="+")
    classify.add_argument("--delegate", default="xnnpack", choices=DELEGATES)
    classify.add_argument("--threads", type=int, default=2)
    classify.add_argument("--top", type=int, default=5)
    classify.set_defaults(func=_classify)

    segment = commands.add_parser("segment", help="DeepLabv3-MobileViTv2 on a photo: writes a PNG with the mask")
    segment.add_argument("image")
    segment.add_argument("--output", default="segmentation.png")
    model_arguments(segment, "pascalvoc-deeplabv3", size=None)
    segment.add_argument("--dataset", choices=sorted(DATASETS), help="default: the weights'")
    segment.add_argument("--classes", type=int, default=None, help="default: the dataset's")
    segment.set_defaults(func=_segment)

    detect = commands.add_parser("detect", help="SSDLite-MobileViTv2 on a photo: writes a PNG with the boxes")
    detect.add_argument("image")
    detect.add_argument("--output", default="detections.png")
    model_arguments(detect, "coco-ssdlite", size=None)
    detect.add_argument("--classes", type=int, default=None, help="classes with background (default 81)")
    detect.add_argument("--threshold", type=float, default=0.3, help="minimum score drawn")
    detect.set_defaults(func=_detect)

    training = commands.add_parser("train", help="fine-tune or train on an image folder with the paper's recipe")
    training.add_argument("data", help="folder with one sub-folder of images per class, tfds:<name>, or fashion-mnist")
    training.add_argument("--output-dir", default="artifacts/train")
    model_arguments(training)
    training.add_argument("--batch-size", type=int, default=32, help="global batch size")
    training.add_argument("--epochs", type=int, default=10)
    training.add_argument("--learning-rate", type=float, default=None, help="peak learning rate (default: per width)")
    training.add_argument(
        "--validation-data", help="a validation folder, or a split name with tfds: (default: 10%% of the data)"
    )
    training.add_argument("--tfds-data-dir", help="where TFDS keeps prepared data sets (default: its own)")
    training.add_argument("--strategy", default="auto", choices=STRATEGIES)
    training.add_argument("--no-augment", action="store_true", help="no augmentation")
    training.add_argument("--no-mix", action="store_true", help="no MixUp/CutMix")
    training.add_argument("--recipe", help="JSON object overriding Recipe fields")
    training.add_argument("--seed", type=int, default=0)
    training.add_argument("--train-limit", type=int, help="fashion-mnist: train on its first N images only")
    training.add_argument(
        "--restart",
        action="store_true",
        help="start over in an output folder that holds a "
        "backup (of this or another run): deletes its backup and per-epoch checkpoints",
    )
    training.add_argument(
        "--skip-unreadable-images",
        action="store_true",
        help="leave out images that cannot be decoded (listed in summary.json) instead of failing",
    )
    training.set_defaults(func=_train)

    evaluate = commands.add_parser("evaluate", help="top-1 accuracy of a .keras or .tflite model on an image folder")
    evaluate.add_argument("model_file")
    evaluate.add_argument("data", help="fashion-mnist (its test split), or a folder with one sub-folder per class "
                          "in the training's class order (sorted names)")  # fmt: skip
    evaluate.add_argument("--threads", type=int, default=2)
    evaluate.set_defaults(func=_evaluate)

    serve = commands.add_parser("serve-demo", help="serve the web camera demo for an exported .tflite on localhost")
    serve.add_argument("model_file", help="a .tflite classifier with metadata (from `mv2 export`)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (browsers allow cameras on localhost)")
    serve.set_defaults(func=_serve_demo)

    bench = commands.add_parser("benchmark", help="LiteRT latency vs the machine's GEMM rate; attention scaling")
    bench.add_argument("--output-dir", default="artifacts/benchmark")
    model_arguments(bench)
    bench.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    bench.add_argument("--images-npz", help="extra test images: an .npz with image_nchw_uint8 (Apple's fixtures)")
    bench.add_argument("--compare-kimm", action="store_true", help="also time kimm's MobileViTv2 (needs kimm)")
    bench.add_argument("--no-int8", action="store_true")
    bench.add_argument("--no-attention", action="store_true")
    bench.add_argument("--dense", action="store_true", help="time DeepLabv3 and SSDLite exports instead")
    bench.set_defaults(func=_benchmark)
    return parser


def main(argv: list[str] | None = None) -> int:
    from keras_mv2.utils.console import console_message, quiet_tensorflow

    argv = sys.argv[1:] if argv is None else argv
    quiet_tensorflow(verbose="--verbose" in argv)  # before build_parser imports TensorFlow
    args = build_parser().parse_args(argv)
    from edge.errors import EdgeError
    from keras_mv2.weights import CheckpointError

    try:
        return args.func(args)
    except (CheckpointError, EdgeError, FileNotFoundError, ValueError) as error:  # DatasetError is a ValueError
        print(f"mv2 {args.command}: error: {console_message(str(error))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
