"""Read a ``.npz`` of named arrays (a user's file or the download cache) as hostile input.

``np.load`` alone is not enough: it inflates a compressed entry to whatever size it holds (a 1 MB file can
hold a 1 GiB array of zeros), and each layer fails with its own exception (``BadZipFile``, ``EOFError``,
``zlib.error``, ``ValueError``...) that names neither the file nor the entry. Here every entry is checked
before its data is decompressed: a ``.npy`` header without pickled objects, an uncompressed size equal
to what that header declares, and declared sizes that stay in proportion to the file's size.
"""

from __future__ import annotations

import math
import os
import zipfile
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.torch_reader import ARCHIVE_ERRORS

# Weights are noise to deflate (ratio ~1.1); only large runs of equal values compress far better, and
# weights files have none that large. Below the allowance any ratio is accepted (small zero tensors).
_MAX_RATIO = 32
_ALLOWANCE = 64 << 20
_CHUNK = 1 << 20
_MAX_HEADER = 10_000  # numpy's own default limit for a .npy header


class _RefusedError(Exception):
    """Raised inside the reader; :func:`read_npz_state_dict` adds the file and the entry."""


def read_npz_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Return the arrays of an ``.npz`` written by ``np.savez`` or ``np.savez_compressed`` as ``{name: ndarray}``.

    Arrays are writable and keep the dtype, byte order and memory order the file declares.

    Raises:
        CheckpointError: naming the file (and the entry): missing, not a zip archive, truncated or corrupt,
            an entry that is not a ``.npy`` array, holds pickled objects, is encrypted, compressed with a
            method numpy does not write, or would inflate far beyond the file's size.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise CheckpointError(f"{source}: no such .npz file")
    entry: str | None = None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len({info.filename for info in infos}) != len(infos):
                raise _RefusedError("the archive lists an entry twice")
            _check_sizes(infos, os.path.getsize(path))
            headers = {}
            for info in infos:  # every header before any data: a bad entry costs nothing
                entry = info.filename
                headers[entry] = _read_header(archive, info)
            state = {}
            for info in infos:
                entry = info.filename
                state[entry[: -len(".npy")]] = _read_data(archive, info, *headers[entry])
    except _RefusedError as error:
        where = source if entry is None else f"{source}, entry '{entry}'"
        raise CheckpointError(f"{where}: {error}") from None
    except ARCHIVE_ERRORS as error:
        detail = str(error)[:200]
        where = f"{source}: not a zip archive" if entry is None else f"{source}, entry '{entry}'"
        raise CheckpointError(
            f"{where}: unreadable .npz, truncated or corrupt ({type(error).__name__}: {detail})"
        ) from None
    if not state:
        raise CheckpointError(f"{source}: the .npz holds no arrays")
    return state


def _check_sizes(infos: list[zipfile.ZipInfo], file_size: int) -> None:
    if sum(info.compress_size for info in infos) > file_size:
        raise _RefusedError("the entries claim more compressed bytes than the file has (truncated or forged)")
    declared = sum(info.file_size for info in infos)
    if declared > max(_ALLOWANCE, _MAX_RATIO * file_size):
        raise _RefusedError(
            f"the entries would inflate to {declared} bytes from a {file_size}-byte file "
            f"(more than {_MAX_RATIO}x: a zip bomb, refused before decompressing)"
        )


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """Shape, Fortran order, dtype and header length of one entry, checked against its uncompressed size."""
    if not info.filename.endswith(".npy"):
        raise _RefusedError("is not a .npy array")
    if info.flag_bits & 0x1:
        raise _RefusedError("is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _RefusedError(f"uses zip compression method {info.compress_type}; numpy writes stored or deflated")
    with archive.open(info) as handle:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle, max_header_size=_MAX_HEADER)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle, max_header_size=_MAX_HEADER)
        else:
            raise _RefusedError(f".npy format version {version} is not supported")
        header = handle.tell()
    if dtype.hasobject:
        raise _RefusedError("holds Python objects, which only pickle could restore (refused)")
    expected = header + math.prod(shape) * dtype.itemsize
    if info.file_size != expected:
        raise _RefusedError(
            f"inflates to {info.file_size} bytes but its {shape} {dtype} array needs {expected} "
            "(refused before decompressing)"
        )
    return shape, fortran, dtype, header


def _read_data(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shape: tuple[int, ...], fortran: bool, dtype: np.dtype, header: int
) -> np.ndarray:
    buffer = bytearray(info.file_size - header)
    view = memoryview(buffer)
    with archive.open(info) as handle:
        handle.read(header)
        filled = 0
        while filled < len(buffer):
            chunk = handle.read(min(_CHUNK, len(buffer) - filled))
            if not chunk:
                raise _RefusedError("ends before its data does (truncated?)")
            view[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        if handle.read(1):  # also makes zipfile check the CRC, which it does at the end of the entry
            raise _RefusedError("holds more data than its header declares")
    array = np.frombuffer(buffer, dtype)
    if fortran:
        return array.reshape(shape[::-1]).transpose()
    return array.reshape(shape)
