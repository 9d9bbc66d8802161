# Sourced by the scripts that fall back, when Apple's server cannot be reached, to a checkpoint in Apple's
# format from the test fixtures (random weights: the classes it predicts mean nothing).
# offline_fixture FILE: prints the path of fixtures/cvnets/FILE under $KERAS_MV2_SHARED (default: the
# shared/ folder beside the repository), or says what is missing on stderr and returns 1.
offline_fixture() {
  local root fixture
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  fixture="${KERAS_MV2_SHARED:-$root/../shared}/fixtures/cvnets/$1"
  if [ ! -f "$fixture" ]; then
    echo "No offline fallback either: $fixture is missing (the shared/ folder beside the repository," >&2
    echo "or set KERAS_MV2_SHARED to the folder that holds fixtures/)." >&2
    return 1
  fi
  echo "Could not load the weights asked for; using the random-weight test checkpoint $fixture instead." >&2
  echo "Its predictions are NOT meaningful classes: it only demonstrates the pipeline." >&2
  echo "$fixture"
}
