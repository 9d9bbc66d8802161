#!/usr/bin/env bash
# The web camera demo: export MobileViTv2 to LiteRT with metadata (once), then serve the page on localhost.
# Usage: scripts/web_demo.sh [WEIGHTS] [mv2 serve-demo options, e.g. --port 8080]
# WEIGHTS defaults to Apple's imagenet1k-256; offline, the random-weight fixture checkpoint is used (with a warning).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh" web
weights="${1:-imagenet1k-256}"
[ $# -gt 0 ] && shift
model="$root/artifacts/web_demo/mobilevitv2-1.0-$(basename "$weights" .pt).tflite"
if [ ! -f "$model" ]; then
  if ! "$root/.venv/bin/mv2" export "$model" --weights "$weights"; then
    source "$root/scripts/offline_fixture.sh"
    fixture="$(offline_fixture cvnets-mobilevitv2-1.0-random.pt)" || exit 1
    model="$root/artifacts/web_demo/mobilevitv2-1.0-fixture.tflite"
    [ -f "$model" ] || "$root/.venv/bin/mv2" export "$model" --weights "$fixture"
  fi
fi
exec "$root/.venv/bin/mv2" serve-demo "$model" "$@"
