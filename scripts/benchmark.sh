#!/usr/bin/env bash
# The edge benchmark in the README: MobileViTv2-1.0 at 256x256 in LiteRT (fp32, int8, kimm's port),
# the machine's GEMM rate, int8 fidelity on real photos and Apple's fixture images, attention scaling.
# kimm is installed here only (never a dependency of the package). Extra arguments go to `mv2 benchmark`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh" edge
"$root/.venv/bin/python" -m pip install --quiet --no-deps "kimm==0.2.5" 2>&1 | grep -v "^WARNING: Location" || true
"$root/.venv/bin/python" -c "import kimm" >/dev/null 2>&1 || { echo "kimm did not install" >&2; exit 1; }
fixtures="${KERAS_MV2_SHARED:-$root/../shared}/fixtures/cvnets"
args=(--compare-kimm)
if [ -f "$fixtures/cvnets-mobilevitv2-1.0-random.pt" ]; then
  # Apple-format weights with input-dependent outputs, and Apple's own test images.
  args+=(--weights "$fixtures/cvnets-mobilevitv2-1.0-random.pt" --images-npz "$fixtures/cvnets-mobilevitv2-1.0-io-256x256.npz")
fi
cd "$root"
exec .venv/bin/mv2 benchmark "${args[@]}" "$@"
