#!/usr/bin/env bash
# The int8 benchmark (scripts/int8_benchmark.py --help): trains once, then re-measures on every run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh" test  # Fashion-MNIST, scikit-learn's digits, the LiteRT tools
cd "$root"
exec .venv/bin/python scripts/int8_benchmark.py "$@"
