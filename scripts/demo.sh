#!/usr/bin/env bash
# The main job: build MobileViTv2-1.0, load a checkpoint, classify the bundled photos, print the top-5 with timings.
# Usage: scripts/demo.sh [WEIGHTS] [IMAGES...]  WEIGHTS defaults to Apple's published imagenet1k-256 checkpoint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh"
weights="${1:-imagenet1k-256}"
[ $# -gt 0 ] && shift
if ! "$root/.venv/bin/mv2" demo --weights "$weights" "$@"; then
  # Machines without internet cannot download Apple's weights; Apple's-format test checkpoint still shows
  # the whole path (random weights: the class names it prints mean nothing).
  fixture="${KERAS_MV2_SHARED:-$root/../shared}/fixtures/cvnets/cvnets-mobilevitv2-1.0-random.pt"
  if [ ! -f "$fixture" ]; then
    echo "No offline fallback either: $fixture is missing (the shared/ folder beside the repository," >&2
    echo "or set KERAS_MV2_SHARED)." >&2
    exit 1
  fi
  echo
  echo "Could not load '$weights'; running with the random-weight test checkpoint $fixture instead."
  echo "Its predictions are NOT meaningful ImageNet classes: it only demonstrates loading and timing."
  "$root/.venv/bin/mv2" demo --weights "$fixture" "$@"
fi
