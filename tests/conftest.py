"""Shared fixtures: Apple's reference outputs from ../shared, an isolated weights cache, helpers."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KERAS_MV2_SHARED", ROOT.parent / "shared"))
CVNETS = SHARED / "fixtures" / "cvnets"
CVNETS_DENSE = SHARED / "fixtures" / "cvnets-dense"
WIDTHS = ("0.5", "0.75", "1.0")
SIZES = ("256x256", "384x384", "224x224", "200x320")
SAMPLES = ROOT / "keras_mv2" / "samples"


def require_fixtures() -> Path:
    if not (CVNETS / "manifest.json").is_file():
        pytest.fail(
            f"Apple's reference fixtures are missing: expected {CVNETS}/manifest.json "
            "(the repository's sibling folder shared/, or set KERAS_MV2_SHARED)"
        )
    return CVNETS


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((require_fixtures() / "manifest.json").read_text())


def checkpoint(alpha: str) -> Path:
    return require_fixtures() / f"cvnets-mobilevitv2-{alpha}-random.pt"


def reference_io(alpha: str, size: str) -> dict[str, np.ndarray]:
    """Images as NHWC float32 in [0, 255] and Apple's outputs, stage maps as NHWC."""
    with np.load(require_fixtures() / f"cvnets-mobilevitv2-{alpha}-io-{size}.npz") as data:
        out = {k: data[k] for k in data.files}
    out["images"] = out.pop("image_nchw_uint8").transpose(0, 2, 3, 1).astype("float32")
    for key in [k for k in out if k.endswith("_nchw")]:
        out[key.replace("_nchw", "")] = out.pop(key).transpose(0, 2, 3, 1)
    return out


def size_of(size: str) -> tuple[int, int]:
    height, width = size.split("x")
    return int(height), int(width)


@pytest.fixture(autouse=True)
def isolated_weights_cache(tmp_path, monkeypatch):
    """No test touches ~/.keras or the network: an empty cache and an address nothing listens on."""
    monkeypatch.setenv("KERAS_MV2_CACHE_DIR", str(tmp_path / "weights-cache"))
    monkeypatch.setenv("KERAS_MV2_WEIGHTS_URL", "http://127.0.0.1:9/unreachable/")
    monkeypatch.setenv("KERAS_MV2_DENSE_WEIGHTS_URL", "http://127.0.0.1:9/unreachable/")
