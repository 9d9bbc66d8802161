"""Keras files (``.weights.h5``, ``.keras``) checked before Keras opens them.

Keras trusts its files: it opens a FIFO and waits on it for ever, reads every HDF5 dataset at the size it
declares (a dataset of 3.6 GB needs no bytes in the file when it holds only its fill value) and inflates a
``.keras`` archive's ``config.json`` whatever its size. Here the file must be a regular file, every
dataset's declared size must be backed by bytes in the file, and the archive's entries must be few and of
bounded size, all before Keras is called. Errors are one line naming the file (and the entry).
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

# A dataset may declare more than it stores only by compression (weights compress ~1.1x; allow far more) or,
# when tiny, by its fill value (an optimizer's zero counters).
_MAX_RATIO = 32
_SMALL_DATASET = 1 << 20
_ALLOWANCE = 64 << 20  # declared bytes allowed beyond the ratio, in all
_MAX_CONFIG = 16 << 20  # a .keras archive's config.json / metadata.json (a large model's is ~1 MB)
_MAX_ENTRIES = 64


def check_keras_file(path: str | Path) -> Path:
    """Refuse, before Keras opens it, a ``.weights.h5`` / ``.keras`` file that is not a regular file or that
    declares more data than it holds. Returns the path.

    Raises:
        ValueError: naming the file (and the archive entry or dataset).
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # never open(): opening a FIFO waits for a writer
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise ValueError(f"{path}: not a regular file (a folder, FIFO, socket or device)")
    size = os.path.getsize(path)
    if path.suffix == ".keras":
        _check_archive(path, size)
    elif path.name.endswith(".h5"):
        _check_hdf5(path, str(path), size)
    return path


def one_line(error: BaseException, limit: int = 300) -> str:
    """``Type: message`` of a library's error on one line (Keras' span several, with hints and tracebacks)."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:limit]}{'...' if len(text) > limit else ''}"


def _check_archive(path: Path, size: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ENTRIES:
                raise ValueError(f"{path}: {len(infos)} archive entries, a Keras file has a few")
            for info in infos:
                if info.filename.endswith(".json") and info.file_size > _MAX_CONFIG:
                    raise ValueError(
                        f"{path}, entry '{info.filename}': {info.file_size} bytes, more than the {_MAX_CONFIG} allowed"
                    )
            declared = sum(info.file_size for info in infos)
            if declared > _MAX_RATIO * size + _ALLOWANCE:
                raise ValueError(f"{path}: its entries would inflate to {declared} bytes from a {size}-byte file")
            for info in infos:
                if info.filename.endswith(".h5"):
                    where = f"{path}, entry '{info.filename}'"
                    if info.compress_type == zipfile.ZIP_STORED:
                        with archive.open(info) as member:  # seekable: h5py reads it in place
                            _check_hdf5(member, where, info.file_size)
                    else:  # a compressed member seeks backwards by decompressing again: read it once
                        _check_hdf5(io.BytesIO(archive.read(info)), where, info.file_size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise ValueError(f"{path}: not a readable .keras archive ({one_line(error)})") from None


def _check_hdf5(source, name: str, size: int) -> None:
    import h5py

    declared = 0
    problem = None

    def visit(key: str, item) -> None:
        nonlocal declared, problem
        if problem is None and isinstance(item, h5py.Dataset):
            wanted = item.size * item.dtype.itemsize
            stored = item.id.get_storage_size()
            declared += wanted
            if wanted > max(_MAX_RATIO * stored, _SMALL_DATASET):
                problem = f"dataset '{key}' declares {wanted} bytes but stores {stored}"

    try:
        with h5py.File(source, "r") as file:
            file.visititems(visit)
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise ValueError(f"{name}: not a readable HDF5 file ({one_line(error)})") from None
    if problem is None and declared > _MAX_RATIO * size + _ALLOWANCE:
        problem = f"its datasets declare {declared} bytes in a {size}-byte file"
    if problem is not None:
        raise ValueError(f"{name}: {problem} (refused before reading)")
