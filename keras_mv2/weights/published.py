"""Apple's published MobileViTv2 checkpoints: names, addresses, download and cache.

The base address can be replaced with ``KERAS_MV2_WEIGHTS_URL`` (``KERAS_MV2_DENSE_WEIGHTS_URL`` for the
segmentation and detection checkpoints; a mirror, or a local server in tests)
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

# Segmentation and detection checkpoints live beside the classification ones (``cvnets-v2/``).
DEFAULT_DENSE_BASE_URL = "https://docs-assets.developer.apple.com/ml-research/models/cvnets-v2/"
DENSE_BASE_URL_ENV = "KERAS_MV2_DENSE_WEIGHTS_URL"
# name -> (path under the dense base address with {alpha}, widths available, model kind)
PUBLISHED_DENSE_CHECKPOINTS: dict[str, tuple[str, tuple[float, ...], str]] = {
    "coco-ssdlite": ("detection/mobilevitv2/coco-ssd-mobilevitv2-{alpha}.pt", _ALL, "ssdlite"),
    "ade20k-deeplabv3": ("segmentation/ade20k/mobilevitv2/deeplabv3-mobilevitv2-{alpha}.pt", _ALL, "deeplabv3"),
    "pascalvoc-deeplabv3": (
        "segmentation/pascalvoc/mobilevitv2/deeplabv3-mobilevitv2-{alpha}.pt",
        (0.5, 1.0, 1.25, 1.5),
        "deeplabv3",
    ),
}


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
    return _fetch(url, target, "conv_1.block.conv.weight", "MobileViTv2 classification", progress, BASE_URL_ENV)


def fetch_published_dense(name: str, alpha: float, progress: bool = True) -> dict[str, np.ndarray]:
    """The state dict of a published segmentation/detection checkpoint (downloaded and converted once)."""
    template, widths, _ = PUBLISHED_DENSE_CHECKPOINTS[name]
    if alpha not in widths:
        raise CheckpointError(f"'{name}' is published for alpha in {list(widths)}, not for alpha={alpha}")
    base = os.environ.get(DENSE_BASE_URL_ENV) or DEFAULT_DENSE_BASE_URL
    url = f"{base.rstrip('/')}/{template.format(alpha=float(alpha))}"
    target = cache_dir() / f"{name}-mobilevitv2-{float(alpha)}.npz"
    required = "encoder.conv_1.block.conv.weight"
    return _fetch(url, target, required, "MobileViTv2 dense-task", progress, DENSE_BASE_URL_ENV)


def _fetch(
    url: str, target: Path, required_key: str, kind: str, progress: bool, mirror_env: str
) -> dict[str, np.ndarray]:
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as scratch:
            downloaded = Path(scratch) / "checkpoint.pt"
            _download(url, downloaded, progress, mirror_env)
            state = read_torch_checkpoint(downloaded)
            if required_key not in state:
                raise CheckpointError(f"{url}: not a {kind} checkpoint")
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


def _download(url: str, destination: Path, progress: bool, mirror_env: str = BASE_URL_ENV) -> None:
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
        raise CheckpointError(f"{url}: download failed ({error}). Set {mirror_env} to use a mirror.") from None
    if total is not None and received != total:
        raise CheckpointError(f"{url}: download incomplete ({received} of {total} bytes)")
