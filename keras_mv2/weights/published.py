"""Apple's published MobileViTv2 checkpoints: names, addresses, download and cache.

The base address can be replaced with ``KERAS_MV2_WEIGHTS_URL`` (a mirror, or a local server in tests)
and the cache folder with ``KERAS_MV2_CACHE_DIR`` (default ``~/.keras/keras_mv2``). A checkpoint is
converted once to a plain ``.npz`` of arrays (no pickle) and loaded from there afterwards.

Downloading is written here rather than with ``keras.utils.get_file`` because the cache must never
hold a file that a later run would trust without it being complete: the download goes to a temporary
file, is checked (length, then parsed in full) and only the converted result is moved into place
atomically, so a killed process leaves at most a stray temporary file that is never read.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.torch_reader import read_torch_checkpoint

DEFAULT_BASE_URL = "https://docs-assets.developer.apple.com/ml-research/models/cvnets-v2/classification/mobilevitv2/"
BASE_URL_ENV = "KERAS_MV2_WEIGHTS_URL"
CACHE_DIR_ENV = "KERAS_MV2_CACHE_DIR"

_ALL = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
# name -> (folder under the base address, widths available)
PUBLISHED_CHECKPOINTS: dict[str, tuple[str, tuple[float, ...]]] = {
    "imagenet1k-256": ("imagenet1k/256x256", _ALL),
    "imagenet1k-384": ("imagenet1k/384x384", _ALL),
    "imagenet21k-ft1k-256": ("imagenet21k_to_1k/256x256", (1.5, 1.75, 2.0)),
    "imagenet21k-ft1k-384": ("imagenet21k_to_1k/384x384", (1.5, 1.75, 2.0)),
}
ALIASES = {"imagenet": "imagenet1k-256"}


def is_published_name(weights) -> bool:
    return isinstance(weights, str) and (weights in PUBLISHED_CHECKPOINTS or weights in ALIASES)


def checkpoint_url(name: str, alpha: float) -> str:
    name = ALIASES.get(name, name)
    folder, widths = PUBLISHED_CHECKPOINTS[name]
    if alpha not in widths:
        raise CheckpointError(f"'{name}' is published for alpha in {list(widths)}, not for alpha={alpha}")
    base = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/{folder}/mobilevitv2-{float(alpha)}.pt"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or Path.home() / ".keras" / "keras_mv2")


def fetch_published(name: str, alpha: float, progress: bool = True) -> dict[str, np.ndarray]:
    """Return the state dict of a published checkpoint, downloading and converting it on first use."""
    name = ALIASES.get(name, name)
    url = checkpoint_url(name, alpha)
    target = cache_dir() / f"mobilevitv2-{float(alpha)}-{name}.npz"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as scratch:
            downloaded = Path(scratch) / "checkpoint.pt"
            _download(url, downloaded, progress)
            state = read_torch_checkpoint(downloaded)
            if "conv_1.block.conv.weight" not in state:
                raise CheckpointError(f"{url}: not a MobileViTv2 classification checkpoint")
            converted = Path(scratch) / "converted.npz"
            np.savez(converted, **state)
            os.replace(converted, target)
    try:
        with np.load(target, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as error:
        raise CheckpointError(
            f"{target}: cached checkpoint is unreadable ({error}); delete it to download again"
        ) from None


def _download(url: str, destination: Path, progress: bool) -> None:
    from tqdm.auto import tqdm

    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(destination, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], disable=not progress) as bar:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, OSError) as error:
        raise CheckpointError(f"{url}: download failed ({error}). Set {BASE_URL_ENV} to use a mirror.") from None
    if total is not None and received != total:
        raise CheckpointError(f"{url}: download incomplete ({received} of {total} bytes)")
