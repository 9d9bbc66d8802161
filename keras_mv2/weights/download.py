"""Download, convert and cache Apple's published checkpoints (any task), by registry name.

The cache folder is ``KERAS_MV2_CACHE_DIR`` (default ``~/.keras/keras_mv2``). A checkpoint is converted
once to a plain ``.npz`` of arrays (no pickle) and loaded from there afterwards.

Downloading is written here rather than with ``keras.utils.get_file`` because the cache must never hold
a file that a later run would trust without it being complete and right: the download goes to a
temporary folder, is parsed in full and checked to be what the registry says (its task, width and class
count, read from the tensors' shapes), and only then is the converted result moved into place
atomically. A cached file that no longer reads or no longer passes that check is replaced by a new
download.

A download has an overall deadline (``KERAS_MV2_DOWNLOAD_TIMEOUT`` seconds, one hour by default) besides
the 60 s allowed for each read, so a server that trickles bytes cannot hold it forever. Its scratch
folder (``.download-*`` beside the cache) is removed when the download fails or is interrupted; one left
by a killed process is removed by a later download once nothing has been written to it for longer than
the deadline.
"""

from __future__ import annotations

import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from keras_mv2.weights.cvnets_keys import checkpoint_classes, state_alpha
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.npz_reader import read_npz_state_dict
from keras_mv2.weights.registry import PublishedCheckpoint, published, published_names
from keras_mv2.weights.torch_reader import read_torch_checkpoint
from keras_mv2.weights.validate import check_state_dict

CACHE_DIR_ENV = "KERAS_MV2_CACHE_DIR"
TIMEOUT_ENV = "KERAS_MV2_DOWNLOAD_TIMEOUT"
DEFAULT_TIMEOUT = 3600.0  # seconds for a whole download: Apple's largest file (~70 MB) at 20 kB/s
READ_TIMEOUT = 60.0  # seconds without a byte
SCRATCH_PREFIX = ".download-"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or Path.home() / ".keras" / "keras_mv2")


def download_timeout() -> float:
    """The overall deadline of one download, in seconds (``KERAS_MV2_DOWNLOAD_TIMEOUT``)."""
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise CheckpointError(f"{TIMEOUT_ENV}={value!r}: expected a number of seconds above 0")
    return seconds


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
            check_state_dict(state, str(target))
            _check_published(entry, alpha, state, str(target))
            return state
        except CheckpointError:  # damaged, or left by an older version: download it again
            target.unlink(missing_ok=True)
    timeout = download_timeout()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_downloads(target.parent, timeout)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=SCRATCH_PREFIX) as scratch:
        downloaded = Path(scratch) / "checkpoint.pt"
        _download(url, downloaded, progress, entry.mirror_variable, timeout)
        state = read_torch_checkpoint(downloaded)
        check_state_dict(state, url)
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


def remove_stale_downloads(folder: Path, timeout: float) -> None:
    """Remove scratch folders of downloads killed before they could clean up (untouched for ``timeout``).

    A live download writes to its folder at least once per ``READ_TIMEOUT`` and ends by its deadline,
    so a folder untouched for longer than ``timeout`` (and a margin) is no longer anyone's.
    """
    oldest = time.time() - timeout - READ_TIMEOUT
    for scratch in folder.glob(SCRATCH_PREFIX + "*"):
        try:
            touched = max(path.stat().st_mtime for path in [scratch, *scratch.iterdir()])
        except OSError:  # removed meanwhile by its owner or another cleaner
            continue
        if touched < oldest:
            shutil.rmtree(scratch, ignore_errors=True)


def _download(url: str, destination: Path, progress: bool, mirror_variable: str, timeout: float) -> None:
    from tqdm.auto import tqdm

    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as response, open(destination, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], disable=not progress) as bar:
                # read1 returns what one receive brings (read(n) would wait for all n bytes, however slowly
                # they come), so the deadline is checked at least once per READ_TIMEOUT.
                while chunk := response.read1(1 << 20):
                    out.write(chunk)
                    out.flush()  # at once, so that the file's time stamp shows the download is alive
                    received += len(chunk)
                    bar.update(len(chunk))
                    if time.monotonic() > deadline:
                        raise CheckpointError(
                            f"{url}: download not finished after {timeout:g} s ({received} bytes received); "
                            f"set {TIMEOUT_ENV} to allow longer, or {mirror_variable} to use a mirror"
                        )
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        # HTTPException: a chunked response cut short (IncompleteRead) or a garbled reply
        reason = f"{type(error).__name__}: {error}" if isinstance(error, http.client.HTTPException) else error
        raise CheckpointError(f"{url}: download failed ({reason}). Set {mirror_variable} to use a mirror.") from None
    if total is not None and received != total:
        raise CheckpointError(f"{url}: download incomplete ({received} of {total} bytes)")
