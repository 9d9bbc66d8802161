#!/usr/bin/env bash
# The README's fine-tuning example on a real small data set, on a CPU in minutes: scikit-learn's handwritten
# digits (upscaled to 64x64), MobileViTv2-0.5 trained from scratch with the paper's recipe, made gentler for
# tiny 8x8 scans (no MixUp/CutMix, RandAugment or erasing; crops of at least half the image),
# then a full-int8 LiteRT export calibrated on training images, and the accuracy of both on held-out digits.
# Usage: scripts/finetune_digits.sh [EPOCHS]   (outputs in artifacts/digits/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh" test
cd "$root"
out=artifacts/digits
epochs="${1:-6}"
rm -rf "$out/data" "$out/run"
.venv/bin/python -c "from keras_mv2.training.datasets import write_digits; write_digits('$out/data', 64, validation_fraction=0.2)"
.venv/bin/mv2 train "$out/data/train" --validation-data "$out/data/val" --output-dir "$out/run" --alpha 0.5 \
  --size 64 --batch-size 32 --epochs "$epochs" --learning-rate 0.003 --no-mix \
  --recipe '{"randaugment": false, "random_erasing": 0.0, "crop_scale": [0.5, 1.0]}'  # gentler for 8x8 scans
labels="$out/labels.txt"
seq 0 9 > "$labels"
.venv/bin/mv2 export "$out/mobilevitv2_digits_int8.tflite" --model "$out/run/model.keras" --quantization int8 \
  --representative "$out/data/train" --labels "$labels"
.venv/bin/mv2 export "$out/mobilevitv2_digits_fp32.tflite" --model "$out/run/model.keras" --labels "$labels"
echo
.venv/bin/mv2 evaluate "$out/run/model.keras" "$out/data/val"
.venv/bin/mv2 evaluate "$out/mobilevitv2_digits_fp32.tflite" "$out/data/val"
.venv/bin/mv2 evaluate "$out/mobilevitv2_digits_int8.tflite" "$out/data/val"
