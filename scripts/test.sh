#!/usr/bin/env bash
# The whole test suite (what CI runs): sets up .venv with the test extras, then runs pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup_env.sh" test
cd "$root"
exec .venv/bin/python -m pytest tests "$@"
