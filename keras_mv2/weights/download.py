"""Download, convert and cache Apple's published checkpoints (any task), by registry name.

The cache folder is ``KERAS_MV2_CACHE_DIR`` (default ``~/.keras/keras_mv2``). A checkpoint is converted
once to a plain ``.npz`` of arrays (no pickle) and loaded from there afterwards.

Downloading is written here rather than with ``keras.utils.get_file`` because the cache must never hold
a file that a later run would trust without it being complete and right: the download goes to a
temporary folder, is parsed in full and checked to be what the registry says (its task, width and class
count, read from the tensors' shapes), and only then is the converted result moved into place
atomically. A cached file that no longer reads or no longer passes that check is replaced by a new
download.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from keras_mv2.weights.cvnets_keys import checkpoint_classes, state_alpha
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.npz_reader import read_npz_state_dict
from keras_mv2.weights.registry import PublishedCheckpoint, published, published_names
from keras_mv2.weights.torch_reader import read_torch_checkpoint

CACHE_DIR_ENV = "KERAS_MV2_CACHE_DIR"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or Path.home() / ".keras" / "keras_mv2")


def cache_path(name: str, alpha: float) -> Path:
    """Where the converted checkpoint ``name`` at width ``alpha`` is cached."""
    entry = published(name)
    if entry is None:
        raise CheckpointError(f"'{name}' is not a published checkpoint; choose one of {published_names()}")
    return cache_dir() / f"{entry.name}-mobilevitv2-{float(alpha)}.npz"


def fetch_published(name: str, alpha: float, progress: bool = True) -> dict[str, np.ndarray]:
    """The state dict of a published checkpoint, downloaded, checked and converted on first use.

    Raises:
        CheckpointError: unpublished width, failed download, or a file that is not the checkpoint named
            (a mirror serving another width or task); nothing is cached then.
    """
    entry = published(name)
    if entry is None:
        raise CheckpointError(f"'{name}' is not a published checkpoint; choose one of {published_names()}")
    url = entry.url(alpha)  # refuses an unpublished width before any download
    target = cache_path(name, alpha)
    if target.is_file():
        try:
            state = read_npz_state_dict(target)
            _check_published(entry, alpha, state, str(target))
            return state
        except CheckpointError:  # damaged, or left by an older version: download it again
            target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as scratch:
        downloaded = Path(scratch) / "checkpoint.pt"
        _download(url, downloaded, progress, entry.mirror_variable)
        state = read_torch_checkpoint(downloaded)
        _check_published(entry, alpha, state, url)
        converted = Path(scratch) / "converted.npz"
        np.savez(converted, **state)
        os.replace(converted, target)
    return state


def _check_published(entry: PublishedCheckpoint, alpha: float, state: dict[str, np.ndarray], source: str) -> None:
    """Refuse a file that is not ``entry`` at width ``alpha``, judged by its tensors' shapes."""
    prefix = "" if entry.task == "classification" else "encoder."
    head = {"classification": "classifier.", "segmentation": "seg_head.", "detection": "ssd_heads."}[entry.task]
    found_alpha = state_alpha(state, prefix)
    problem = None
    if not any(key.startswith(head) for key in state):
        problem = f"it has no {entry.task} head ({head}*)"
    elif found_alpha != alpha:
        problem = f"its channel widths are those of alpha={found_alpha}"
    elif entry.task == "classification" and checkpoint_classes(state) != entry.classes:
        problem = f"its classifier has {checkpoint_classes(state)} classes, not {entry.classes}"
    if problem:
        raise CheckpointError(f"{source}: not the published '{entry.name}' checkpoint for alpha={alpha}: {problem}")


def _download(url: str, destination: Path, progress: bool, mirror_variable: str) -> None:
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
        raise CheckpointError(f"{url}: download failed ({error}). Set {mirror_variable} to use a mirror.") from None
    if total is not None and received != total:
        raise CheckpointError(f"{url}: download incomplete ({received} of {total} bytes)")
