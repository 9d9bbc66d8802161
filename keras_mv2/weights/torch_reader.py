"""Read PyTorch ``torch.save`` checkpoints into NumPy without PyTorch and without running pickled code.

A ``.pt`` file (and a Hugging Face ``pytorch_model.bin``) is a zip archive: ``data.pkl``, a pickle that
describes the tensors, and one raw little-endian buffer per storage under ``data/``. Both layers are
treated as hostile input.

The pickle is executed by a small stack machine of our own, not by :mod:`pickle`. It knows only the
opcodes (protocols 2 to 5) and the few names a pickled state dict uses, and it never calls, hashes,
compares or prints anything the file built. A restricted ``pickle.Unpickler`` (``find_class`` and
``persistent_load`` overridden, as before) was not enough: its BUILD, SETITEM and APPEND act on any
object, so a file could set attributes on the reader's shared stand-ins and poison every later load; it
hashes tuples the file built (a 90-level chain of memoised pairs takes 2^90 steps) and gives no way to
bound what it allocates. The pure-Python ``pickle._Unpickler`` is private and every handler that matters
would have to be replaced anyway; a separate ``pickletools.genops`` pass cannot see what memoised
references add up to. So here:

* containers are our own nodes; a container placed inside another one is frozen, so its nesting depth
  is final when it is used and no cycle can be formed; depth is capped;
* dictionary keys may only be ``str`` or ``int`` and persistent ids must have exactly torch's shape
  ``("storage", <storage type>, key, location, numel)``, so nothing shaped by the file is ever hashed;
* BUILD / SETITEM(S) only act on dictionaries, APPEND(S) only on lists; the objects the allowed names
  resolve to are immutable and created afresh for each load;
* every value costs from a fixed budget and ``data.pkl`` itself is size-capped.

In the zip layer only what torch writes is accepted: uncompressed (stored), unencrypted entries. Each
entry's declared size is compared with what the pickle says it holds before a byte of it is read, and the
entries read may not add up to more bytes than the file has (overlapping entries would otherwise
multiply one region of the file). So reading costs memory in proportion to the file's size, not to what
its headers claim.
"""

from __future__ import annotations

import dataclasses
import math
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError

# Apple's data.pkl is ~56 KB at every width (269 tensors, about 210 bytes each; the largest width has the
# same tensors, only bigger). 8 MiB is ~150x that: room for optimizer state or detection heads, while the
# payload, every string in it and the budget below keep what the pickle can allocate under ~150 MB.
PICKLE_SIZE_LIMIT = 8 << 20
# One unit per value pushed or memoised, four more per container. Apple's files use ~18 000 (~67 per tensor,
# with their metadata): the budget admits ~15 000 tensors, ~60x Apple's count, and bounds time (~2 s).
_BUDGET = 1 << 20
_CONTAINER_COST = 4
_MAX_DEPTH = 32  # a training checkpoint with optimizer state nests about 5 deep
_MAX_NDIM = 64
_MAX_NUMEL = 1 << 48
_MAX_NAME = 64  # storage keys ("0", "1", ...) and locations ("cpu", "cuda:0")
# Tensors are copied out of their storages; views of one storage may overlap (a transpose saved next to
# the original), but not beyond this factor, or a small file could ask for any number of copies.
_ALIAS_FACTOR = 4
_ALIAS_SLACK = 1 << 20

_STORAGE_DTYPES = {
    "FloatStorage": "<f4",
    "DoubleStorage": "<f8",
    "HalfStorage": "<f2",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "<i8",
    "IntStorage": "<i4",
    "ShortStorage": "<i2",
    "CharStorage": "i1",
    "ByteStorage": "u1",
    "BoolStorage": "?",
}


class _RefusedError(Exception):
    """Raised inside the reader; :func:`read_torch_checkpoint` adds the file and the entry."""


@dataclasses.dataclass(frozen=True, slots=True)
class _StorageType:
    """What ``torch.FloatStorage`` & co. resolve to: a dtype name, nothing callable, nothing settable."""

    name: str
    dtype: str

    @property
    def itemsize(self) -> int:
        return 2 if self.dtype == "bfloat16" else np.dtype(self.dtype).itemsize


@dataclasses.dataclass(frozen=True, slots=True)
class _Function:
    """What ``collections.OrderedDict`` and torch's rebuild functions resolve to: a tag the machine dispatches on."""

    name: str


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class _Storage:
    key: str
    type: _StorageType
    data: np.ndarray  # read-only, native byte order; bfloat16 already widened to float32


class _Container:
    """A tuple, list or dict under construction, with its nesting depth."""

    __slots__ = ("depth", "frozen", "items")
    kind = "container"

    def __init__(self, items, depth: int = 1, frozen: bool = False):
        self.items = items
        self.depth = depth
        self.frozen = frozen


class _Tuple(_Container):
    __slots__ = ()
    kind = "tuple"


class _List(_Container):
    __slots__ = ()
    kind = "list"


class _Dict(_Container):
    __slots__ = ()
    kind = "dict"


def _describe(value) -> str:
    """A name for a value in an error message; never its ``repr`` (which could be unbounded)."""
    if isinstance(value, _Container):
        return f"a {value.kind}"
    if isinstance(value, _StorageType):
        return f"torch.{value.name}"
    if isinstance(value, _Function):
        return value.name
    if isinstance(value, _Storage):
        return "a storage"
    if isinstance(value, np.ndarray):
        return "a tensor"
    return f"a value of type {type(value).__name__}"


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


class _PickleMachine:
    """Runs ``data.pkl`` opcode by opcode; ``load_storage`` fetches a storage named by a persistent id."""

    def __init__(self, payload: bytes, load_storage: Callable[[_StorageType, str, int], _Storage]):
        self._data = payload
        self._pos = 0
        self._stack: list = []
        self._marks: list[int] = []
        self._memo: list = []
        self._units = 0
        self._storage_bytes = 0
        self._tensor_bytes = 0
        self._load_storage = load_storage
        # Fresh for every load and immutable: nothing a file does can change what a later file reads.
        self._globals: dict[tuple[str, str], object] = {
            ("collections", "OrderedDict"): _Function("OrderedDict"),
            ("torch._utils", "_rebuild_tensor_v2"): _Function("_rebuild_tensor_v2"),
            ("torch._utils", "_rebuild_parameter"): _Function("_rebuild_parameter"),
            **{("torch", name): _StorageType(name, dtype) for name, dtype in _STORAGE_DTYPES.items()},
        }
        self._storages: dict[str, _Storage] = {}
        self._dispatch = self._dispatch_table()

    @property
    def position(self) -> int:
        return self._pos

    def run(self):
        data, dispatch = self._data, self._dispatch
        while True:
            if self._pos >= len(data):
                raise _RefusedError("the pickle ends before its STOP opcode (truncated?)")
            code = data[self._pos]
            self._pos += 1
            if code == ord("."):  # STOP
                break
            handler = dispatch.get(code)
            if handler is None:
                raise _RefusedError(f"opcode 0x{code:02x} at byte {self._pos - 1} is not one a pickled state dict uses")
            handler()
        if self._marks or len(self._stack) != 1:
            raise _RefusedError("the pickle stops with an unbalanced stack")
        return self._stack[0]

    # ---- low-level reading and the stack ----

    def _take(self, count: int) -> bytes:
        end = self._pos + count
        if end > len(self._data):
            raise _RefusedError("the pickle ends inside an opcode (truncated?)")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def _uint(self, size: int) -> int:
        return int.from_bytes(self._take(size), "little")

    def _line(self) -> str:
        end = self._data.find(b"\n", self._pos, self._pos + 257)
        if end < 0 and self._pos + 257 > len(self._data):
            raise _RefusedError("the pickle ends inside an opcode (truncated?)")
        if end < 0:
            raise _RefusedError("a GLOBAL opcode names an overlong or unterminated module or name")
        text = self._data[self._pos : end].decode("utf-8")
        self._pos = end + 1
        return text

    def _charge(self, units: int) -> None:
        self._units += units
        if self._units > _BUDGET:
            raise _RefusedError(f"the pickle builds more than {_BUDGET} values, far beyond any state dict")

    def _push(self, value, cost: int = 1) -> None:
        self._charge(cost)  # also bounds the stack: every entry was pushed at a cost
        self._stack.append(value)

    def _pop(self):
        floor = self._marks[-1] if self._marks else 0
        if len(self._stack) <= floor:
            raise _RefusedError("the pickle pops from an empty stack")
        return self._stack.pop()

    def _top(self):
        floor = self._marks[-1] if self._marks else 0
        if len(self._stack) <= floor:
            raise _RefusedError("the pickle works on an empty stack")
        return self._stack[-1]

    def _pop_mark(self) -> list:
        if not self._marks:
            raise _RefusedError("the pickle closes a MARK it never opened")
        start = self._marks.pop()
        items = self._stack[start:]
        del self._stack[start:]
        return items

    # ---- containers ----

    @staticmethod
    def _adopt(child) -> int:
        """Freeze ``child`` (it is being placed somewhere) and return its depth."""
        if isinstance(child, _Container):
            child.frozen = True
            return child.depth
        return 0

    def _nested(self, target: _Container, children) -> None:
        depth = target.depth
        for child in children:
            depth = max(depth, self._adopt(child) + 1)
        if depth > _MAX_DEPTH:
            raise _RefusedError(f"the pickle nests containers more than {_MAX_DEPTH} deep")
        target.depth = depth

    def _mutable(self, target, kind: type[_Container], opcode: str) -> _Container:
        if not isinstance(target, kind):
            raise _RefusedError(f"{opcode} applied to {_describe(target)} (only a {kind.kind} accepts it)")
        if target.frozen:
            raise _RefusedError(f"{opcode} changes a {kind.kind} after it was placed inside another container")
        return target

    def _new_tuple(self, items: list) -> None:
        node = _Tuple(tuple(items), frozen=True)
        self._nested(node, items)
        self._push(node, 1 + _CONTAINER_COST)

    def _set_items(self, target: _Dict, pairs: list, opcode: str) -> None:
        if len(pairs) % 2:
            raise _RefusedError(f"{opcode} with an odd number of keys and values")
        keys, values = pairs[0::2], pairs[1::2]
        seen = set()
        for key in keys:
            if type(key) not in (str, int):
                raise _RefusedError(f"a dictionary key is {_describe(key)}; a state dict's keys are names or numbers")
            if key in target.items or key in seen:  # the later value would silently win
                raise _RefusedError(f"the dictionary key {_clip(repr(key))} is given twice")
            seen.add(key)
        self._nested(target, values)
        if target.frozen:  # a value was the dictionary itself
            raise _RefusedError("a dictionary is placed inside itself")
        target.items.update(zip(keys, values, strict=True))

    def _append(self, target: _List, values: list) -> None:
        self._nested(target, values)
        if target.frozen:
            raise _RefusedError("a list is placed inside itself")
        target.items.extend(values)

    # ---- opcode handlers ----

    def _dispatch_table(self) -> dict[int, Callable[[], None]]:
        table: dict[bytes, Callable[[], None]] = {
            b"\x80": self._op_proto,
            b"\x95": self._op_frame,
            b"(": self._op_mark,
            b"N": lambda: self._push(None),
            b"\x88": lambda: self._push(True),
            b"\x89": lambda: self._push(False),
            b"K": lambda: self._push(self._uint(1)),
            b"M": lambda: self._push(self._uint(2)),
            b"J": lambda: self._push(int.from_bytes(self._take(4), "little", signed=True)),
            b"\x8a": self._op_long1,
            b"G": lambda: self._push(struct.unpack(">d", self._take(8))[0]),
            b"X": lambda: self._push(self._take(self._uint(4)).decode("utf-8", "surrogatepass")),
            b"\x8c": lambda: self._push(self._take(self._uint(1)).decode("utf-8", "surrogatepass")),
            b"B": lambda: self._push(bytes(self._take(self._uint(4)))),
            b"C": lambda: self._push(bytes(self._take(self._uint(1)))),
            b")": lambda: self._push(_Tuple((), frozen=True), 1 + _CONTAINER_COST),
            b"t": lambda: self._new_tuple(self._pop_mark()),
            b"\x85": lambda: self._new_tuple([self._pop()]),
            b"\x86": self._op_tuple2,
            b"\x87": self._op_tuple3,
            b"]": lambda: self._push(_List([]), 1 + _CONTAINER_COST),
            b"}": lambda: self._push(_Dict({}), 1 + _CONTAINER_COST),
            b"a": self._op_append,
            b"e": self._op_appends,
            b"s": self._op_setitem,
            b"u": self._op_setitems,
            b"q": lambda: self._op_put(self._uint(1)),
            b"r": lambda: self._op_put(self._uint(4)),
            b"\x94": lambda: self._op_put(len(self._memo)),
            b"h": lambda: self._op_get(self._uint(1)),
            b"j": lambda: self._op_get(self._uint(4)),
            b"c": lambda: self._op_global(self._line(), self._line()),
            b"\x93": self._op_stack_global,
            b"Q": self._op_persid,
            b"R": self._op_reduce,
            b"b": self._op_build,
        }
        return {code[0]: handler for code, handler in table.items()}

    def _op_proto(self) -> None:
        version = self._uint(1)
        if not 2 <= version <= 5:
            raise _RefusedError(f"pickle protocol {version}; torch.save writes protocol 2")

    def _op_frame(self) -> None:
        if self._pos + self._uint(8) > len(self._data):
            raise _RefusedError("a pickle frame reaches past the end of data.pkl (truncated?)")

    def _op_mark(self) -> None:
        if len(self._marks) >= _MAX_DEPTH:
            raise _RefusedError(f"the pickle nests MARKs more than {_MAX_DEPTH} deep")
        self._marks.append(len(self._stack))

    def _op_long1(self) -> None:
        size = self._uint(1)
        if size > 8:
            raise _RefusedError("an integer wider than 64 bits")
        self._push(int.from_bytes(self._take(size), "little", signed=True))

    def _op_tuple2(self) -> None:
        second = self._pop()
        self._new_tuple([self._pop(), second])

    def _op_tuple3(self) -> None:
        third, second = self._pop(), self._pop()
        self._new_tuple([self._pop(), second, third])

    def _op_append(self) -> None:
        value = self._pop()
        self._append(self._mutable(self._top(), _List, "APPEND"), [value])

    def _op_appends(self) -> None:
        values = self._pop_mark()
        self._append(self._mutable(self._top(), _List, "APPENDS"), values)

    def _op_setitem(self) -> None:
        value = self._pop()
        key = self._pop()
        self._set_items(self._mutable(self._top(), _Dict, "SETITEM"), [key, value], "SETITEM")

    def _op_setitems(self) -> None:
        pairs = self._pop_mark()
        self._set_items(self._mutable(self._top(), _Dict, "SETITEMS"), pairs, "SETITEMS")

    def _op_put(self, index: int) -> None:
        # Python's pickler numbers memo entries 0, 1, 2, ...: a list suffices and cannot be inflated.
        if index > len(self._memo):
            raise _RefusedError("the pickle's memo indices are not sequential")
        self._charge(1)
        value = self._top()
        if index == len(self._memo):
            self._memo.append(value)
        else:
            self._memo[index] = value

    def _op_get(self, index: int) -> None:
        if index >= len(self._memo):
            raise _RefusedError("the pickle refers to a memo entry it never stored")
        self._push(self._memo[index])

    def _op_global(self, module: str, name: str) -> None:
        found = self._globals.get((module, name))
        if found is None:
            raise _RefusedError(
                f"refused to load: the pickle asks for '{_clip(module)}.{_clip(name)}', which a weights-only "
                "checkpoint never needs (the file may be crafted to run code). Nothing from it was executed."
            )
        self._push(found)

    def _op_stack_global(self) -> None:
        name, module = self._pop(), self._pop()
        if type(module) is not str or type(name) is not str:
            raise _RefusedError("STACK_GLOBAL with a module or name that is not a string")
        self._op_global(module, name)

    def _op_persid(self) -> None:
        pid = self._pop()
        items = pid.items if isinstance(pid, _Tuple) else ()
        if len(items) != 5 or type(items[0]) is not str or items[0] != "storage":
            raise _RefusedError(
                f"a persistent id is {_describe(pid)}, not torch's ('storage', type, key, location, numel)"
            )
        _, storage_type, key, location, numel = items
        if not isinstance(storage_type, _StorageType):
            raise _RefusedError(f"a storage's type is {_describe(storage_type)}, not a torch storage type")
        if not (type(key) is str and 0 < len(key) <= _MAX_NAME and key.isascii() and key.replace("_", "").isalnum()):
            raise _RefusedError(f"a storage key is {_describe(key)}, not a short name like '0'")
        if not (type(location) is str and len(location) <= _MAX_NAME):
            raise _RefusedError(f"a storage location is {_describe(location)}, not a device name like 'cpu'")
        if not (type(numel) is int and 0 <= numel <= _MAX_NUMEL):
            raise _RefusedError(f"storage '{key}' has an impossible element count")
        storage = self._storages.get(key)
        if storage is None:
            storage = self._storages[key] = self._load_storage(storage_type, key, numel)
            self._storage_bytes += storage.data.nbytes
        elif storage.type != storage_type or storage.data.size != numel:
            raise _RefusedError(f"storage '{key}' is used with two different types or sizes")
        self._push(storage)

    def _op_reduce(self) -> None:
        args, function = self._pop(), self._pop()
        if not isinstance(function, _Function):
            raise _RefusedError(f"the pickle calls {_describe(function)}")
        if not isinstance(args, _Tuple):
            raise _RefusedError(f"{function.name} is called with {_describe(args)} as arguments")
        if function.name == "OrderedDict":
            if args.items:
                raise _RefusedError("OrderedDict is called with arguments (torch's pickles add items afterwards)")
            self._push(_Dict({}), 1 + _CONTAINER_COST)
        elif function.name == "_rebuild_tensor_v2":
            self._push(self._rebuild_tensor(args.items))
        else:  # _rebuild_parameter(data, requires_grad, backward_hooks)
            if len(args.items) != 3 or not isinstance(args.items[0], np.ndarray):
                raise _RefusedError("_rebuild_parameter is not called with a tensor")
            self._push(args.items[0])

    def _op_build(self) -> None:
        state = self._pop()
        self._mutable(self._top(), _Dict, "BUILD")
        self._adopt(state)  # an OrderedDict's attributes (torch's ``_metadata``): not needed, dropped

    # ---- tensors ----

    def _int_tuple(self, value, what: str) -> tuple[int, ...]:
        items = value.items if isinstance(value, _Tuple) else None
        if items is None or len(items) > _MAX_NDIM or any(type(i) is not int or i < 0 for i in items):
            raise _RefusedError(f"a tensor's {what} is not a short tuple of non-negative integers")
        return items

    def _rebuild_tensor(self, args: tuple) -> np.ndarray:
        """Stand-in for ``torch._utils._rebuild_tensor_v2``: a copy of the strided view of the storage."""
        if not 6 <= len(args) <= 7:
            raise _RefusedError("_rebuild_tensor_v2 is called with the wrong number of arguments")
        storage, offset, size, stride, requires_grad = args[:5]
        if not isinstance(storage, _Storage):
            raise _RefusedError(f"a tensor's storage is {_describe(storage)}")
        size, stride = self._int_tuple(size, "size"), self._int_tuple(stride, "stride")
        if type(offset) is not int or offset < 0 or len(size) != len(stride) or type(requires_grad) is not bool:
            raise _RefusedError("_rebuild_tensor_v2 is called with malformed arguments")
        data = storage.data
        count = math.prod(size)
        if count > data.size:
            raise _RefusedError(f"a tensor of shape {size} does not fit its storage '{storage.key}' of {data.size}")
        if count and offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True)) >= data.size:
            raise _RefusedError(f"a tensor of shape {size} reaches past the end of its storage '{storage.key}'")
        self._tensor_bytes += count * data.itemsize
        if self._tensor_bytes > _ALIAS_FACTOR * self._storage_bytes + _ALIAS_SLACK:
            raise _RefusedError("the tensors copy their storages many times over (overlapping views)")
        if not count:
            return np.zeros(size, data.dtype)
        item = data.itemsize
        strides = [s * item if n > 1 else 0 for n, s in zip(size, stride, strict=True)]
        view = np.lib.stride_tricks.as_strided(data[offset:], shape=size, strides=strides)
        return np.array(view)


class _Archive:
    """The zip layer: checks each entry's header against what it must hold before reading it."""

    def __init__(self, path: Path, source: str):
        self.source = source
        self.size = os.path.getsize(path)
        self.zip = zipfile.ZipFile(path)
        self.entry = "(central directory)"
        names = self.zip.namelist()
        if len(set(names)) != len(names):
            raise _RefusedError("the archive lists an entry twice")
        self.infos = {info.filename: info for info in self.zip.infolist()}
        self._read_total = 0

    def read(self, name: str, *, exact: int | None = None, limit: int | None = None, what: str = "") -> bytes:
        self.entry = name
        info = self.infos.get(name)
        if info is None:
            raise _RefusedError("is missing from the archive")
        size = info.file_size
        if exact is not None and size != exact:
            problem = "truncated or corrupt file?" if size < exact else "refused before decompressing anything"
            raise _RefusedError(f"holds {size} bytes, but {what} {exact} bytes ({problem})")
        if limit is not None and size > limit:
            raise _RefusedError(f"holds {size} bytes, more than the {limit} a {what} may have (refused before reading)")
        if info.flag_bits & 0x1:
            raise _RefusedError("is encrypted; torch never encrypts checkpoint entries")
        if info.compress_type != zipfile.ZIP_STORED:
            raise _RefusedError(f"is compressed (zip method {info.compress_type}); torch stores entries uncompressed")
        if info.compress_size != size:
            raise _RefusedError(f"is stored in {info.compress_size} bytes but says it holds {size} (corrupt)")
        if info.header_offset + size > self.size:
            raise _RefusedError("reaches past the end of the file (truncated?)")
        self._read_total += size
        if self._read_total > self.size:
            raise _RefusedError("overlaps other entries: the entries hold more bytes than the file")
        with self.zip.open(info) as handle:
            data = handle.read()
        if len(data) != size:
            raise _RefusedError(f"holds {len(data)} bytes, its header says {size} (truncated?)")
        return data


def _decode_storage(raw: bytes, storage_type: _StorageType) -> np.ndarray:
    if storage_type.dtype == "bfloat16":  # NumPy has no bfloat16: widen the 16 bits into float32's upper half
        array = (np.frombuffer(raw, "<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        array = np.frombuffer(raw, np.dtype(storage_type.dtype))
        array = array.astype(array.dtype.newbyteorder("="), copy=False)
    array.setflags(write=False)
    return array


# Everything the zip, zlib and struct layers raise on malformed input (NotImplementedError: unknown
# compression; RuntimeError: encryption; MemoryError/OverflowError: sizes from forged headers).
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    MemoryError,
    OverflowError,
)


def read_torch_checkpoint(path: str | Path) -> dict[str, np.ndarray]:
    """Return the tensors of a ``torch.save`` zip checkpoint as a ``{name: ndarray}`` dict.

    Accepts a bare state dict or one nested under ``"model"``, ``"state_dict"`` or ``"model_state_dict"``.
    Every array is a fresh, writable copy.

    Raises:
        CheckpointError: naming the file and the archive entry: the file is missing, not a zip checkpoint,
            truncated or corrupt, uses zip features torch never writes (compression, encryption), or its
            pickle references anything beyond tensors and ordered dicts or exceeds the size limits.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise CheckpointError(f"{source}: no such checkpoint file")
    try:
        archive = _Archive(path, source)
    except (_RefusedError, *ARCHIVE_ERRORS) as error:
        try:
            with open(path, "rb") as handle:
                head = handle.read(2)
        except OSError:
            head = b""
        hint = (
            " It looks like PyTorch's legacy (pre-1.6) format: re-save it with torch.save in a current PyTorch."
            if head == b"\x80\x02"
            else ""
        )
        raise CheckpointError(
            f"{source}: not a PyTorch zip checkpoint (truncated or corrupt?): {_error_text(error)}.{hint}"
        ) from None
    with archive.zip:
        try:
            return _read_archive(archive)
        except (_RefusedError, RecursionError, *ARCHIVE_ERRORS) as error:
            if isinstance(error, CheckpointError):
                raise
            raise CheckpointError(f"{source}, entry '{archive.entry}': {_error_text(error)}") from None


def _error_text(error: BaseException) -> str:
    if isinstance(error, _RefusedError):
        return str(error)
    return f"corrupt ({type(error).__name__}: {_clip(str(error), 200)})"


def _read_archive(archive: _Archive) -> dict[str, np.ndarray]:
    pickles = [name for name in archive.infos if name.endswith("/data.pkl") or name == "data.pkl"]
    if len(pickles) != 1:
        raise _RefusedError(f"expected one data.pkl in the archive, found {len(pickles)}")
    root = pickles[0][: -len("data.pkl")]
    if f"{root}byteorder" in archive.infos:
        order = archive.read(f"{root}byteorder", limit=16, what="byte-order note")
        if order.strip() != b"little":
            raise _RefusedError("the storages are not little-endian; re-save the checkpoint on a little-endian machine")

    def load_storage(storage_type: _StorageType, key: str, numel: int) -> _Storage:
        what = f"its {numel} {storage_type.name} elements take"
        raw = archive.read(f"{root}data/{key}", exact=numel * storage_type.itemsize, what=what)
        archive.entry = pickles[0]
        return _Storage(key, storage_type, _decode_storage(raw, storage_type))

    payload = archive.read(pickles[0], limit=PICKLE_SIZE_LIMIT, what="data.pkl")
    machine = _PickleMachine(payload, load_storage)
    try:
        loaded = machine.run()
    except _RefusedError as error:
        if archive.entry == pickles[0]:
            raise _RefusedError(f"{error} (at byte {machine.position})") from None
        raise
    archive.entry = pickles[0]
    return _find_state_dict(loaded)


def _find_state_dict(loaded) -> dict[str, np.ndarray]:
    if isinstance(loaded, _Dict):
        for key in ("model", "state_dict", "model_state_dict"):
            if isinstance(loaded.items.get(key), _Dict):
                loaded = loaded.items[key]
                break
    if not isinstance(loaded, _Dict) or not all(
        isinstance(k, str) and isinstance(v, np.ndarray) for k, v in loaded.items.items()
    ):
        raise _RefusedError("does not contain a state dict of named tensors")
    if not loaded.items:
        raise _RefusedError("the state dict is empty")
    return dict(loaded.items)
