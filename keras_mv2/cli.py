"""The ``mv2`` command: thin wrappers around the library's functions."""

from __future__ import annotations

import argparse
import os
import sys


def _demo(args) -> int:
    from keras_mv2.demo import run_demo

    run_demo(args.weights, alpha=args.alpha, images=args.images, size=args.size, top=args.top)
    return 0


def _convert_weights(args) -> int:
    from keras_mv2.applications import convert_checkpoint

    path = convert_checkpoint(args.checkpoint, args.output, alpha=args.alpha, include_top=not args.no_top)
    print(f"wrote {path}")
    return 0


def _load_keras_model(args, classifier_activation="softmax"):
    """A .keras file, or MobileViTv2(alpha, weights) at a fixed input size."""
    import keras

    from keras_mv2.applications import MobileViTv2

    if args.model:
        if not os.path.isfile(args.model):
            raise FileNotFoundError(f"{args.model}: no such .keras file")
        return keras.models.load_model(args.model)
    return MobileViTv2(
        alpha=args.alpha,
        weights=args.weights,
        input_shape=(args.size, args.size, 3),
        classifier_activation=classifier_activation,
    )


def _export(args) -> int:
    from edge.edgetpu import compile_for_edgetpu
    from edge.export import export_classifier
    from edge.fidelity import per_layer_errors, write_csv
    from edge.representative import from_folder, generated

    if args.target == "edgetpu" and args.quantization != "int8":
        raise ValueError("--target edgetpu needs --quantization int8")
    model = _load_keras_model(args)
    size = tuple(model.inputs[0].shape[1:3])
    representative = None
    if args.quantization in ("int8", "int16x8"):
        representative = from_folder(args.representative, size) if args.representative else generated(size)
        print(f"calibration: {representative.source}")
    labels = None
    if args.labels:
        from pathlib import Path

        labels = [line.strip() for line in Path(args.labels).read_text("utf-8").splitlines() if line.strip()]
    result = export_classifier(
        model, args.output, args.quantization, args.io_type, representative, labels,
        check_edgetpu_rules=args.target == "edgetpu",
    )  # fmt: skip
    print(f"wrote {result.path} ({result.size_bytes / 1e6:.2f} MB, {result.quantization}, io {result.io_type})")
    print(f"fidelity vs Keras: {result.fidelity.summary()}")
    for note in result.notes:
        print(f"note: {note}")
    if args.app_assets:
        from edge.app_assets import write_app_assets

        properties = write_app_assets(result.path, args.app_assets, args.quantization)
        print(f"app assets: {properties} (+ the model and labels.txt beside it)")
    if args.debug_layers:
        rows = per_layer_errors(model, representative or generated(size), args.quantization)
        write_csv(rows, args.debug_layers)
        print(f"per-layer quantisation error: {args.debug_layers}; worst:")
        for row in rows[:5]:
            print(f"  {row['rmse/scale']:8.2f} steps  {row['op']:<18s} {row['tensor']}")
    if result.edgetpu is not None:
        print(result.edgetpu.summary())
        try:
            print(f"compiled: {compile_for_edgetpu(result.path, result.path.parent)}")
        except Exception as error:  # the compiler is optional: report and keep the exported model
            print(f"edgetpu_compiler: {error}")
    return 0


def _classify(args) -> int:
    import numpy as np

    from keras_mv2.applications import decode_predictions, eval_transform

    if args.model_file.endswith(".tflite"):
        from edge.metadata import read_metadata
        from edge.runtime import LiteRTModel

        runner = LiteRTModel.load(args.model_file, args.delegate, args.threads)
        size = runner.input_size
        packed = read_metadata(args.model_file)["files"]
        labels = next(iter(packed.values())).splitlines() if packed else None
        predict = runner
    else:
        import keras

        if not os.path.isfile(args.model_file):
            raise FileNotFoundError(f"{args.model_file}: no such model file")
        model = keras.models.load_model(args.model_file)
        size = tuple(model.inputs[0].shape[1:3])
        labels = None

        def predict(x):
            return model.predict(x, verbose=0)

    batch = np.stack([eval_transform(path, size) for path in args.images])
    scores = predict(batch)
    if labels is None and scores.shape[1] == 1000:
        decoded = decode_predictions(scores, top=args.top)
    else:
        names = labels or [str(i) for i in range(scores.shape[1])]
        decoded = [[("", names[i], float(row[i])) for i in np.argsort(-row)[: args.top]] for row in scores]
    for path, rows in zip(args.images, decoded, strict=True):
        print(path)
        for rank, (_, name, score) in enumerate(rows, 1):
            print(f"  {rank}. {name:<32s} {score:.4f}")
    return 0


def _benchmark(args) -> int:
    import numpy as np

    from edge.benchmark_suite import run_benchmark

    if args.dense:
        from edge.benchmark_suite import run_dense_benchmark

        run_dense_benchmark(args.output_dir, args.alpha, tuple(args.threads))
        print(f"wrote {args.output_dir}/dense_benchmark.json and dense_latency.png")
        return 0
    extra = None
    if args.images_npz:
        with np.load(args.images_npz) as data:
            extra = data["image_nchw_uint8"].transpose(0, 2, 3, 1).astype("float32")
    run_benchmark(
        args.output_dir, args.alpha, args.size, args.weights, tuple(args.threads),
        include_int8=not args.no_int8, compare_kimm=args.compare_kimm, extra_images=extra,
        attention=not args.no_attention,
    )  # fmt: skip
    print(f"wrote {args.output_dir}/benchmark.json and the charts beside it")
    return 0


def _export_dense(args) -> int:
    from edge.dense_export import export_detector, export_segmenter
    from edge.dense_fidelity import detector_fidelity, segmenter_fidelity
    from edge.export import verification_images
    from edge.representative import from_folder, generated
    from keras_mv2.applications import class_names

    model = _dense_model(args, "segment" if args.task == "segmenter" else "detect")
    representative = None
    if args.quantization == "int8":
        size = (args.size, args.size)
        representative = from_folder(args.representative, size) if args.representative else generated(size)
        print(f"calibration: {representative.source}")
    photos = verification_images((args.size, args.size))
    if args.task == "segmenter":
        names = class_names(args.dataset, int(model.outputs[0].shape[-1]))
        path = export_segmenter(model, args.output, names, args.quantization, representative)
        report = segmenter_fidelity(model, path, photos)
    else:
        names = class_names("coco", int(model.get_layer("class_logits").output.shape[-1]))[1:]
        path = export_detector(model, args.output, names, args.quantization, representative)
        report = detector_fidelity(model, path, photos)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {args.quantization}), with MediaPipe metadata")
    print(f"fidelity vs Keras on the bundled photos: {report.summary()}")
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
        recipe_overrides=overrides,
    )  # fmt: skip
    summary = train(config)
    print(f"validation accuracy {summary['validation_accuracy']:.4f}; model: {args.output_dir}/model.keras")
    return 0


def _evaluate(args) -> int:
    import numpy as np

    from keras_mv2.applications import eval_transform
    from keras_mv2.training import scan_image_folder

    data = scan_image_folder(args.folder)
    if args.model_file.endswith(".tflite"):
        from edge.runtime import LiteRTModel

        runner = LiteRTModel.load(args.model_file, threads=args.threads)
        size, predict = runner.input_size, runner
    else:
        import keras

        import keras_mv2.layers  # noqa: F401 - registers the layers the saved model uses

        model = keras.models.load_model(args.model_file)
        size = tuple(model.inputs[0].shape[1:3])

        def predict(x):
            return model.predict(x, verbose=0, batch_size=32)

    correct = 0
    for start in range(0, len(data), 64):
        batch = np.stack([eval_transform(path, size) for path in data.files[start : start + 64]])
        correct += int((np.argmax(predict(batch), axis=1) == data.labels[start : start + 64]).sum())
    print(f"{args.model_file}: top-1 accuracy {correct / len(data):.4f} on {len(data)} images of {args.folder}")
    return 0


def _serve_demo(args) -> int:
    from edge.serve import serve_demo

    serve_demo(args.model_file, args.host, args.port)
    return 0


def _dense_model(args, kind: str):
    from keras_mv2.applications import DATASETS, DeepLabV3MobileViTv2, SSDLiteMobileViTv2

    if args.size is None:
        args.size = 512 if kind == "segment" else 320
    size = (args.size, args.size, 3)
    if kind == "segment":
        config = DATASETS[args.dataset]
        return DeepLabV3MobileViTv2(
            args.alpha, classes=args.classes or config["classes"], output_stride=config["output_stride"],
            aspp_rates=config["aspp_rates"], weights=args.weights, input_shape=size,
        )  # fmt: skip
    return SSDLiteMobileViTv2(args.alpha, classes=args.classes or 81, weights=args.weights, input_shape=size)


def _segment(args) -> int:
    from keras_mv2.applications import class_names
    from keras_mv2.dense_demo import segment_image

    model = _dense_model(args, "segment")
    names = class_names(args.dataset, int(model.outputs[0].shape[-1]))
    areas = segment_image(model, args.image, args.output, names)
    print(f"wrote {args.output}")
    for name, area in sorted(areas.items(), key=lambda item: -item[1]):
        print(f"  {name:<20s} {100 * area:5.1f}% of the image")
    return 0


def _detect(args) -> int:
    from keras_mv2.applications import class_names
    from keras_mv2.dense_demo import detect_image

    model = _dense_model(args, "detect")
    names = class_names("coco", int(model.get_layer("class_logits").output.shape[-1]))
    found = detect_image(model, args.image, args.output, names, args.threshold)
    print(f"wrote {args.output}: {len(found)} detection(s) with score >= {args.threshold}")
    for name, score, box in found[:20]:
        print(f"  {name:<16s} {score:.2f}  ({box[0]:.0f}, {box[1]:.0f}) - ({box[2]:.0f}, {box[3]:.0f})")
    return 0


def _add_model_arguments(parser) -> None:
    parser.add_argument("--model", help="a saved .keras classifier (instead of --alpha/--weights)")
    parser.add_argument("--alpha", type=float, default=1.0, help="width multiplier")
    parser.add_argument("--weights", default=None, help="checkpoint path or published name (default: random)")
    parser.add_argument("--size", type=int, default=256, help="input side")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mv2", description="MobileViTv2 for Keras 3 and LiteRT.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="classify photos (default: the bundled samples), top-5 with timings")
    demo.add_argument("images", nargs="*", help="image files (default: the bundled sample photos)")
    demo.add_argument("--weights", default="imagenet1k-256", help="checkpoint path or published name")
    demo.add_argument("--alpha", type=float, default=1.0, help="width multiplier")
    demo.add_argument("--size", type=int, default=256, help="input side")
    demo.add_argument("--top", type=int, default=5)
    demo.set_defaults(func=_demo)

    convert = commands.add_parser("convert-weights", help="convert a checkpoint to a Keras .weights.h5 file")
    convert.add_argument("checkpoint", help=".pt, Hugging Face directory/.safetensors/.bin, or published name")
    convert.add_argument("output", help="output path ending in .weights.h5")
    convert.add_argument("--alpha", type=float, default=None, help="width (default: inferred from the checkpoint)")
    convert.add_argument("--no-top", action="store_true", help="drop the classifier")
    convert.set_defaults(func=_convert_weights)

    export = commands.add_parser("export", help="export a LiteRT (.tflite) classifier with metadata and a report")
    export.add_argument("output", help="output .tflite path (a .json report is written beside it)")
    _add_model_arguments(export)
    export.add_argument(
        "--quantization", default="float32", choices=["float32", "float16", "dynamic", "int8", "int16x8"]
    )
    export.add_argument("--io-type", default="float32", choices=["float32", "uint8", "int8"], help="int8 only")
    export.add_argument("--representative", help="folder of images for int8 calibration (default: generated)")
    export.add_argument("--labels", help="labels file, one per line (default: ImageNet for 1000 classes)")
    export.add_argument("--target", choices=["cpu", "edgetpu"], default="cpu", help="edgetpu: check its rules, compile")
    export.add_argument("--debug-layers", metavar="CSV", help="write the per-layer quantisation error here")
    export.add_argument("--app-assets", metavar="DIR", help="also copy the model, labels.txt and .properties here")
    export.set_defaults(func=_export)

    classify = commands.add_parser("classify", help="classify images with a .tflite or .keras model")
    classify.add_argument("model_file", help=".tflite or .keras model")
    classify.add_argument("images", nargs="+")
    classify.add_argument("--delegate", default="xnnpack", choices=["xnnpack", "cpu", "gpu", "nnapi", "edgetpu"])
    classify.add_argument("--threads", type=int, default=2)
    classify.add_argument("--top", type=int, default=5)
    classify.set_defaults(func=_classify)

    segment = commands.add_parser("segment", help="DeepLabv3-MobileViTv2 on a photo: writes a PNG with the mask")
    segment.add_argument("image")
    segment.add_argument("--output", default="segmentation.png")
    segment.add_argument("--weights", default="pascalvoc-deeplabv3", help="checkpoint path or published name")
    segment.add_argument("--dataset", choices=["pascal_voc", "ade20k"], default="pascal_voc")
    segment.add_argument("--alpha", type=float, default=1.0)
    segment.add_argument("--size", type=int, default=512, help="input side (a multiple of 16)")
    segment.add_argument("--classes", type=int, default=None, help="default: the dataset's")
    segment.set_defaults(func=_segment)

    detect = commands.add_parser("detect", help="SSDLite-MobileViTv2 on a photo: writes a PNG with the boxes")
    detect.add_argument("image")
    detect.add_argument("--output", default="detections.png")
    detect.add_argument("--weights", default="coco-ssdlite", help="checkpoint path or published name")
    detect.add_argument("--alpha", type=float, default=1.0)
    detect.add_argument("--size", type=int, default=320, help="input side")
    detect.add_argument("--classes", type=int, default=None, help="classes with background (default 81)")
    detect.add_argument("--threshold", type=float, default=0.3, help="minimum score drawn")
    detect.set_defaults(func=_detect)

    training = commands.add_parser("train", help="fine-tune or train on an image folder with the paper's recipe")
    training.add_argument("data", help="folder with one sub-folder of images per class, or tfds:<name>")
    training.add_argument("--output-dir", default="artifacts/train")
    training.add_argument("--alpha", type=float, default=1.0)
    training.add_argument("--weights", default=None, help="classification checkpoint to fine-tune from")
    training.add_argument("--size", type=int, default=256)
    training.add_argument("--batch-size", type=int, default=32, help="global batch size")
    training.add_argument("--epochs", type=int, default=10)
    training.add_argument("--learning-rate", type=float, default=None, help="peak learning rate (default: per width)")
    training.add_argument(
        "--validation-data", help="a validation folder, or a split name with tfds: (default: 10%% of the data)"
    )
    training.add_argument("--tfds-data-dir", help="where TFDS keeps prepared data sets (default: its own)")
    training.add_argument("--strategy", default="auto", choices=["auto", "none", "mirrored", "multi_worker"])
    training.add_argument("--no-augment", action="store_true", help="no augmentation")
    training.add_argument("--no-mix", action="store_true", help="no MixUp/CutMix")
    training.add_argument("--recipe", help="JSON object overriding Recipe fields")
    training.add_argument("--seed", type=int, default=0)
    training.set_defaults(func=_train)

    evaluate = commands.add_parser("evaluate", help="top-1 accuracy of a .keras or .tflite model on an image folder")
    evaluate.add_argument("model_file")
    evaluate.add_argument("folder", help="one sub-folder per class, in the training's class order (sorted names)")
    evaluate.add_argument("--threads", type=int, default=2)
    evaluate.set_defaults(func=_evaluate)

    dense = commands.add_parser("export-dense", help="export DeepLabv3 / SSDLite to LiteRT for MediaPipe")
    dense.add_argument("task", choices=["segmenter", "detector"])
    dense.add_argument("output", help="output .tflite path")
    dense.add_argument("--weights", default=None, help="checkpoint path or published name (default: random)")
    dense.add_argument("--alpha", type=float, default=1.0)
    dense.add_argument("--size", type=int, default=None, help="input side (default 512 segmenter, 320 detector)")
    dense.add_argument("--dataset", choices=["pascal_voc", "ade20k"], default="pascal_voc", help="segmenter only")
    dense.add_argument("--classes", type=int, default=None)
    dense.add_argument("--quantization", choices=["float32", "float16", "dynamic", "int8"], default="float32")
    dense.add_argument("--representative", help="folder of images for int8 calibration (default: generated)")
    dense.set_defaults(func=_export_dense)

    serve = commands.add_parser("serve-demo", help="serve the web camera demo for an exported .tflite on localhost")
    serve.add_argument("model_file", help="a .tflite classifier with metadata (from `mv2 export`)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (browsers allow cameras on localhost)")
    serve.set_defaults(func=_serve_demo)

    bench = commands.add_parser("benchmark", help="LiteRT latency vs the machine's GEMM rate; attention scaling")
    bench.add_argument("--output-dir", default="artifacts/benchmark")
    bench.add_argument("--alpha", type=float, default=1.0)
    bench.add_argument("--size", type=int, default=256)
    bench.add_argument("--weights", default=None, help="weights with input-dependent outputs (int8 fidelity)")
    bench.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    bench.add_argument("--images-npz", help="extra test images: an .npz with image_nchw_uint8 (Apple's fixtures)")
    bench.add_argument("--compare-kimm", action="store_true", help="also time kimm's MobileViTv2 (needs kimm)")
    bench.add_argument("--no-int8", action="store_true")
    bench.add_argument("--no-attention", action="store_true")
    bench.add_argument("--dense", action="store_true", help="time DeepLabv3 and SSDLite exports instead")
    bench.set_defaults(func=_benchmark)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the output
    from edge.errors import EdgeError
    from keras_mv2.weights import CheckpointError

    try:
        return args.func(args)
    except (CheckpointError, EdgeError, FileNotFoundError, ValueError) as error:  # DatasetError is a ValueError
        print(f"mv2 {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
