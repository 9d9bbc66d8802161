"""The parity check on a second Keras backend (PyTorch): the layers use keras.ops only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import SIZES, WIDTHS


def test_parity_on_the_torch_backend():
    cases = [f"{a}@{s}" for a in WIDTHS for s in SIZES]
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    here = Path(__file__).parent
    run = subprocess.run(
        [sys.executable, str(here / "backend_parity_worker.py"), *cases],
        env=env,
        cwd=here,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["backend"] == "torch"
    assert sorted(result["errors"]) == sorted(cases)
    for case, errors in result["errors"].items():
        assert max(errors.values()) < 1e-4, (case, errors)
