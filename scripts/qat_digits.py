#!/usr/bin/env python3
"""The README's QAT table: float32 vs post-training int8 vs quantisation-aware int8, on held-out digits.

Run after `bash scripts/finetune_digits.sh` (it trains artifacts/digits/run/model.keras); see
keras_mv2.training.qat.compare_with_post_training for what is compared.
"""

import argparse
import json
import sys
from pathlib import Path

from keras_mv2.training.qat import compare_with_post_training


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", default="artifacts/digits")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    args = parser.parse_args()
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
