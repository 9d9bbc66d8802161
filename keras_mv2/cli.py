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
    from keras_mv2.convert import convert_checkpoint

    path = convert_checkpoint(args.checkpoint, args.output, alpha=args.alpha, include_top=not args.no_top)
    print(f"wrote {path}")
    return 0


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the output
    from keras_mv2.weights import CheckpointError

    try:
        return args.func(args)
    except (CheckpointError, FileNotFoundError, ValueError) as error:
        print(f"mv2 {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
