#!/usr/bin/env bash
# Build MobileViTv2-1.0, load a checkpoint, classify the bundled photos, print the top-5 with timings.
# Usage: scripts/demo.sh [WEIGHTS] [IMAGES...]  WEIGHTS defaults to Apple's published imagenet1k-256 checkpoint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh"
weights="${1:-imagenet1k-256}"
[ $# -gt 0 ] && shift
source "$root/scripts/offline_fixture.sh"
if ! "$root/.venv/bin/mv2" demo --weights "$weights" "$@"; then
  # Machines without internet cannot download Apple's weights; Apple's-format test checkpoint still shows
  # the whole path.
  echo
  fixture="$(offline_fixture cvnets-mobilevitv2-1.0-random.pt)" || exit 1
  "$root/.venv/bin/mv2" demo --weights "$fixture" "$@"
fi
