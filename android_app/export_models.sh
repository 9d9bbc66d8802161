#!/usr/bin/env bash
# Export the app's two models with `mv2 export` into app/src/main/assets (by hand, or through the Gradle
# task :app:exportModels). Linux and macOS (bash 3.2 or newer), no root, no system package manager.
#
# Usage: android_app/export_models.sh [WEIGHTS] [REPRESENTATIVE_FOLDER]
#   WEIGHTS: a checkpoint path or published name (default imagenet1k-256). If it cannot be loaded (for
#     example offline), the random-weight test checkpoint from $KERAS_MV2_SHARED/fixtures/cvnets/ is used
#     instead (KERAS_MV2_SHARED defaults to ../shared beside the repository), with a warning.
#   REPRESENTATIVE_FOLDER: photos for int8 calibration (default: the bundled sample photos; use a few
#     hundred of your own for a real app).
# The `mv2` command comes from $MV2 if set, else the repository's .venv, else the PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ -n "${MV2:-}" ]; then
  mv2="$MV2"
elif [ -x "$root/.venv/bin/mv2" ]; then
  mv2="$root/.venv/bin/mv2"
elif command -v mv2 >/dev/null 2>&1; then
  mv2="$(command -v mv2)"
else
  cat >&2 <<EOF
export_models.sh needs the keras_mv2 command line \`mv2\` with its LiteRT extras, and found none
(not \$MV2, not $root/.venv/bin/mv2, not on PATH). Create the project's Python environment once
(Python 3.10 or newer), then run this script again:

  cd "$root"
  python3 -m venv .venv
  .venv/bin/pip install -e '.[edge]'
  .venv/bin/pip install --no-deps tflite-support==0.4.4 'pybind11>=2.6'   # metadata writers

On Debian or Ubuntu, \`bash scripts/setup_env.sh edge\` does the same (and installs the system packages).
EOF
  exit 2
fi

weights="${1:-imagenet1k-256}"
representative="${2:-$root/keras_mv2/samples}"
assets="$here/app/src/main/assets"
work="$(mktemp -d "${TMPDIR:-/tmp}/mv2-export.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ ! -d "$representative" ]; then
  echo "export_models.sh: no folder of calibration photos at $representative" >&2
  exit 2
fi

if ! "$mv2" export "$work/mobilevitv2_fp32.tflite" --weights "$weights" --app-assets "$work/assets"; then
  source "$root/scripts/offline_fixture.sh"
  weights="$(offline_fixture cvnets-mobilevitv2-1.0-random.pt)" || exit 1
  "$mv2" export "$work/mobilevitv2_fp32.tflite" --weights "$weights" --app-assets "$work/assets"
fi
# Full-integer inside, float input and output: every accelerator path of the app feeds floats.
"$mv2" export "$work/mobilevitv2_int8.tflite" --weights "$weights" --quantization int8 \
  --representative "$representative" --app-assets "$work/assets"
mkdir -p "$assets"
cp "$work"/assets/* "$assets"/
echo "models and labels in $assets:"
ls -l "$assets"
