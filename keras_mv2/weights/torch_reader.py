"""Read PyTorch ``torch.save`` checkpoints into NumPy without PyTorch and without running pickled code.

A ``.pt`` file is a zip archive holding ``data.pkl`` (a pickle describing the tensors) and one raw
little-endian buffer per storage under ``data/``. Unpickling normally imports and calls whatever the
pickle names, which lets a crafted file run code. ``torch.load(weights_only=True)`` fixes that but
needs PyTorch, which we do not want as a dependency for reading weights, so this module implements the
same allow-list idea: only the handful of names a state dict needs can be resolved, everything else
is refused before anything is called.
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "BFloat16Storage": "bfloat16",
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str):
        self.name = name
        self.dtype = _STORAGE_DTYPES[name]


def _rebuild_tensor(storage, storage_offset, size, stride, *_unused):
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: a strided view of the storage, copied."""
    if not isinstance(storage, np.ndarray):
        raise pickle.UnpicklingError("tensor without a storage")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if storage_offset < 0 or min(size + stride, default=0) < 0 or int(np.prod(size)) > storage.size:
        raise pickle.UnpicklingError(f"tensor of shape {size} does not fit its storage of {storage.size}")
    needed = storage_offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) + 1 if all(size) else 0
    if needed > storage.size:
        raise pickle.UnpicklingError(f"tensor of shape {size} reaches past its storage of {storage.size}")
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[storage_offset:], shape=size, strides=[s * item for s in stride])
    return np.array(view)


def _rebuild_parameter(data, *_unused):
    return data


_ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name) for name in _STORAGE_DTYPES},
}


class _SafeUnpickler(pickle.Unpickler):
    def __init__(self, file, archive: zipfile.ZipFile, root: str, source: str):
        super().__init__(file)
        self._archive = archive
        self._root = root
        self._source = source
        self._storages: dict[str, np.ndarray] = {}

    def find_class(self, module, name):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise CheckpointError(
                f"{self._source}: refused to load: the pickle asks for '{module}.{name}', which a "
                "weights-only checkpoint never needs (the file may be crafted to run code). Nothing "
                "from it was executed."
            ) from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise CheckpointError(f"{self._source}: unexpected persistent id {pid!r} in data.pkl")
        _, storage_type, key, _location, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise CheckpointError(f"{self._source}: storage {key!r} has an unknown type")
        if key not in self._storages:
            member = f"{self._root}/data/{key}"
            try:
                raw = self._archive.read(member)
            except KeyError:
                raise CheckpointError(f"{self._source}: storage '{member}' is missing") from None
            self._storages[key] = _decode_storage(raw, storage_type.dtype, int(numel), member, self._source)
        return self._storages[key]


def _decode_storage(raw: bytes, dtype, numel: int, member: str, source: str) -> np.ndarray:
    itemsize = 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize
    expected = itemsize * numel
    if len(raw) < expected:
        raise CheckpointError(
            f"{source}: storage '{member}' holds {len(raw)} bytes, {expected} expected (truncated file?)"
        )
    if dtype == "bfloat16":  # NumPy has no bfloat16: widen the 16 bits into float32's upper half
        return (np.frombuffer(raw[:expected], "<u2").astype(np.uint32) << 16).view(np.float32)
    array = np.frombuffer(raw[:expected], dtype=np.dtype(dtype).newbyteorder("<"))
    return array.astype(array.dtype.newbyteorder("="), copy=False)


def read_torch_checkpoint(path: str | Path) -> dict[str, np.ndarray]:
    """Return the tensors of a ``torch.save`` zip checkpoint as a ``{name: ndarray}`` dict.

    Accepts a bare state dict or one nested under ``"model"``, ``"state_dict"`` or ``"model_state_dict"``.

    Raises:
        CheckpointError: the file is missing, not a zip checkpoint, truncated or corrupt, or its
            pickle references anything beyond tensors and ordered dicts.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise CheckpointError(f"{source}: no such checkpoint file")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as handle:
            head = handle.read(2)
        hint = (
            " It looks like PyTorch's legacy (pre-1.6) format: re-save it with torch.save in a current PyTorch."
            if head == b"\x80\x02"
            else ""
        )
        raise CheckpointError(f"{source}: not a PyTorch zip checkpoint (truncated or corrupt?).{hint}") from None
    with archive:
        pickles = [name for name in archive.namelist() if name.endswith("/data.pkl") or name == "data.pkl"]
        if len(pickles) != 1:
            raise CheckpointError(f"{source}: expected one data.pkl in the archive, found {len(pickles)}")
        root = pickles[0][: -len("data.pkl")].rstrip("/")
        try:
            payload = archive.read(pickles[0])
            loaded = _SafeUnpickler(io.BytesIO(payload), archive, root, source).load()
        except CheckpointError:
            raise
        except (pickle.UnpicklingError, zipfile.BadZipFile, EOFError, ValueError, TypeError, OSError) as error:
            raise CheckpointError(f"{source}: corrupt checkpoint ({type(error).__name__}: {error})") from None
    return _find_state_dict(loaded, source)


def _find_state_dict(loaded, source: str) -> dict[str, np.ndarray]:
    if isinstance(loaded, dict):
        for key in ("model", "state_dict", "model_state_dict"):
            if isinstance(loaded.get(key), dict):
                loaded = loaded[key]
                break
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, np.ndarray) for k, v in loaded.items()
    ):
        raise CheckpointError(f"{source}: does not contain a state dict of named tensors")
    if not loaded:
        raise CheckpointError(f"{source}: the state dict is empty")
    return dict(loaded)
