#!/usr/bin/env bash
# Export the app's two models with `mv2 export` into app/src/main/assets (called by the Gradle task
# :app:exportModels, or by hand). Usage: android_app/export_models.sh [WEIGHTS] [REPRESENTATIVE_FOLDER]
# WEIGHTS: a checkpoint path or published name (default imagenet1k-256; offline, the random-weight fixture,
# with a warning). REPRESENTATIVE_FOLDER: photos for int8 calibration (default: the bundled sample photos;
# use a few hundred of your own for a real app).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bash "$root/scripts/setup_env.sh" edge
mv2="$root/.venv/bin/mv2"
assets="$here/app/src/main/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
weights="${1:-imagenet1k-256}"
representative="${2:-$root/keras_mv2/samples}"
if ! "$mv2" export "$work/mobilevitv2_fp32.tflite" --weights "$weights" --app-assets "$work/assets"; then
  fixture="$root/../shared/fixtures/cvnets/cvnets-mobilevitv2-1.0-random.pt"
  [ -f "$fixture" ] || exit 1
  echo "Could not load '$weights'; using the random-weight test checkpoint (its classes mean nothing)." >&2
  weights="$fixture"
  "$mv2" export "$work/mobilevitv2_fp32.tflite" --weights "$weights" --app-assets "$work/assets"
fi
# Full-integer inside, float input and output: every accelerator path of the app feeds floats.
"$mv2" export "$work/mobilevitv2_int8.tflite" --weights "$weights" --quantization int8 \
  --representative "$representative" --app-assets "$work/assets"
mkdir -p "$assets"
cp "$work"/assets/* "$assets"/
echo "models and labels in $assets:"
ls -l "$assets"
