#!/usr/bin/env bash
# Create or reuse the virtual environment .venv at the repository root and install what the project
# needs: the Debian packages listed in requirements-apt*.txt, then this package with the given extras.
# Usage: scripts/setup_env.sh [edge|web|test]   re-running is fast when nothing changed.
#   edge: LiteRT, MediaPipe, metadata writers; web: edge + the web demo (Node.js, Chromium, npm packages);
#   test: everything the test suite needs (web + pytest, torch, transformers, playwright).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
test_tools=0
case "${1:-}" in
  "") extras=""; web=0 ;;
  edge) extras="edge"; web=0 ;;
  web) extras="edge"; web=1 ;;
  test) extras="test"; web=1; test_tools=1 ;;
  *) echo "setup_env.sh: unknown option '$1' (use edge, web or test)" >&2; exit 2 ;;
esac

apt_lists=(requirements-apt.txt)
[ "$web" -eq 0 ] || apt_lists+=(requirements-apt-web.txt)
[ "$test_tools" -eq 0 ] || apt_lists+=(requirements-apt-test.txt)
mapfile -t apt_packages < <(cat "${apt_lists[@]}" | grep -vE '^\s*(#|$)' || true)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# Debian's nodejs comes without npm (NodeSource's bundles it): ask for Debian's npm only when none is there.
if [ "$web" -eq 1 ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
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

npm_install() {  # npm packages pinned by FOLDER/package-lock.json, reinstalled only when the lock changes
  local folder="$1" stamp stamp_file
  stamp="$(sha256sum "$folder/package-lock.json" | cut -d' ' -f1)"
  stamp_file="$folder/node_modules/.keras_mv2-installed"
  if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
    echo "Installing npm packages for $folder"
    npm ci --prefix "$folder" --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    echo "$stamp" > "$stamp_file"
  fi
}
[ "$web" -eq 0 ] || npm_install edge/web_demo  # MediaPipe Tasks for the web demo, with its wasm
[ "$test_tools" -eq 0 ] || npm_install android_app/tools  # the Kotlin compiler for android_app/core's tests
