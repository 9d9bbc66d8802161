#!/usr/bin/env bash
# Create or reuse the virtual environment .venv at the repository root and install what the project
# needs: the Debian packages listed in requirements-apt.txt, then this package with the given extras.
# Usage: scripts/setup_env.sh [EXTRAS]   (e.g. "test"); re-running is fast when nothing changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
extras="${1:-}"

mapfile -t apt_packages < <(grep -vE '^\s*(#|$)' requirements-apt.txt || true)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

pip_install() {  # quiet on success, the whole log on failure
  local log
  log="$(mktemp)"
  if ! .venv/bin/python -m pip install --quiet "$@" >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" >&2
    rm -f "$log"
    echo "setup_env.sh: pip install $* failed" >&2
    return 1
  fi
  rm -f "$log"
}

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp_file=".venv/.keras_mv2-installed${extras:+-$extras}"
stamp="$(cat setup.py requirements-apt.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
  echo "Installing keras_mv2${extras:+[$extras]} into .venv (first run takes a few minutes)"
  pip_install -e ".${extras:+[$extras]}"
  if [ -n "$extras" ]; then  # edge metadata writers; see setup.py for why --no-deps
    pip_install --no-deps "tflite-support==0.4.4" "pybind11>=2.6"
  fi
  # Fail here, not later, if the install did not work.
  .venv/bin/python -c "import keras_mv2" >/dev/null 2>&1 || .venv/bin/python -c "import keras_mv2"
  echo "$stamp" > "$stamp_file"
fi
