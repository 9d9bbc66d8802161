"""Crafted checkpoints, built here byte by byte: each is refused with a CheckpointError naming the file and the
entry, within seconds and ~200 MB, and afterwards, in the same process, Apple's fixture still gives Apple's logits.

The attacks run in one worker process (this file run as a script) so that a regression that hangs (a 2^90-step
hash) or balloons (a zip bomb) fails the test instead of the machine: the worker has a timeout and an
address-space limit. Memory is the peak resident set size during each read minus the resident size before it
(Linux's VmHWM, reset per attack through /proc/self/clear_refs), so it counts NumPy and zlib buffers too.
Run ``pytest -s`` to see the figures.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hostile_harness import reset_peak, status

GIB = 1 << 30
MIB = 1 << 20
TIME_LIMIT_S = 5.0
MEMORY_LIMIT_MB = 200.0

# ---------------------------------------------------------------------------------------------------------------
# A minimal zip writer: every header field is ours to set (sizes, method, flags), unlike zipfile's.


@dataclasses.dataclass
class Entry:
    name: str
    data: bytes  # the bytes stored in the file (already compressed when method != 0)
    size: int  # the declared uncompressed size
    crc: int
    method: int = 0
    flags: int = 0
    stored_size: int | None = None  # the declared compressed size, when it must lie


def stored(name: str, content: bytes, **changes) -> Entry:
    return dataclasses.replace(Entry(name, content, len(content), zlib.crc32(content)), **changes)


def deflated(name: str, content: bytes) -> Entry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(content) + packer.flush(), len(content), zlib.crc32(content), method=8)


def inflating_to_zeros(name: str, prefix: bytes, zero_mib: int) -> Entry:
    """``prefix`` then ``zero_mib`` MiB of zeros, deflated in ~1 KB per MiB without compressing them all.

    After a full flush deflate starts afresh, so every MiB of zeros compresses to the same bytes.
    """
    zeros = bytes(MIB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    for _ in range(zero_mib):
        crc = zlib.crc32(zeros, crc)
    return Entry(name, head + block * zero_mib + packer.flush(), len(prefix) + zero_mib * MIB, crc, method=8)


def write_zip(path: Path, entries: list[Entry]) -> Path:
    local, central = io.BytesIO(), io.BytesIO()
    for entry in entries:
        name = entry.name.encode()
        stored_size = len(entry.data) if entry.stored_size is None else entry.stored_size
        fields = (20, entry.flags, entry.method, 0, 0x21, entry.crc, stored_size, entry.size, len(name), 0)
        offset = local.tell()
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + name + entry.data)
        central.write(struct.pack("<4sH5H3L5HLL", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + name)
    directory = central.getvalue()
    count = len(entries)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), local.tell(), 0)
    path.write_bytes(local.getvalue() + directory + end)
    return path


def checkpoint_zip(path: Path, pickle_bytes: bytes, storages: dict[str, bytes], **changes) -> Path:
    """A torch.save-style archive; ``changes`` replaces entries by their short name (``"data/0"``, ``"data.pkl"``)."""
    entries = {
        "data.pkl": stored("archive/data.pkl", pickle_bytes),
        "byteorder": stored("archive/byteorder", b"little"),
        **{f"data/{key}": stored(f"archive/data/{key}", raw) for key, raw in storages.items()},
        "version": stored("archive/version", b"3\n"),
    }
    for short, entry in changes.items():
        entries[short] = entry
    return write_zip(path, list(entries.values()))


# ---------------------------------------------------------------------------------------------------------------
# A minimal pickle assembler (protocol 2, the opcodes torch.save writes).

PROTO = b"\x80\x02"
STOP = b"."


def text(value: str) -> bytes:
    raw = value.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def integer(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def name(module: str, attribute: str) -> bytes:
    return b"c" + f"{module}\n{attribute}\n".encode()


def tup(*parts: bytes) -> bytes:
    return b"(" + b"".join(parts) + b"t"


def persistent_id(key: bytes = b"", numel: int = 4, storage: str = "FloatStorage") -> bytes:
    key = key or text("0")
    return tup(text("storage"), name("torch", storage), key, text("cpu"), integer(numel)) + b"Q"


def tensor(pid: bytes, shape: tuple[int, ...] = (4,), stride: tuple[int, ...] = (1,)) -> bytes:
    hooks = name("collections", "OrderedDict") + b")R"
    args = tup(pid, integer(0), tup(*map(integer, shape)), tup(*map(integer, stride)), b"\x89", hooks)
    return name("torch._utils", "_rebuild_tensor_v2") + args + b"R"


def state_dict(*pairs: tuple[str, bytes]) -> bytes:
    return b"}(" + b"".join(text(key) + value for key, value in pairs) + b"u"


def hash_chain(levels: int) -> bytes:
    """t0 = (); t(i+1) = (t(i), t(i)) through the memo: a few bytes per level, 2^levels steps to hash or repr."""
    return b")" + b"q\x00h\x00\x86" * levels


FOUR_FLOATS = np.arange(4, dtype="<f4").tobytes()
BENIGN_PICKLE = PROTO + state_dict(("w", tensor(persistent_id()))) + STOP


# ---------------------------------------------------------------------------------------------------------------
# The attacks: (file builder, reader, archive entry the message must name, reason the message must give).


@dataclasses.dataclass
class Attack:
    build: Callable[[Path], Path]
    reader: str  # "pt" or "npz"
    entry: str | None  # None: the archive as a whole
    reason: str


def pt(path: Path, pickle_bytes: bytes, **changes) -> Path:
    return checkpoint_zip(path, pickle_bytes, {"0": FOUR_FLOATS}, **changes)


def truncated(path: Path, fraction: float) -> Path:
    data = pt(path, BENIGN_PICKLE).read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def aliased_views(path: Path) -> Path:
    """One 1 MiB storage, 1000 tensors each a full view of it: 1 GiB of copies from a 1 MB file."""
    numel = MIB // 4
    pairs = [(f"t{i}", tensor(persistent_id(numel=numel), (numel,), (1,))) for i in range(1000)]
    return checkpoint_zip(path, PROTO + state_dict(*pairs) + STOP, {"0": bytes(MIB)})


def freeze_bypass(path: Path) -> Path:
    """Nest lists through the memo without ever nesting on the stack: G=[]; P=[]; G.append(P); P.append([])..."""
    levels = b"".join(b"h\x01]q\x01a" for _ in range(10_000))  # push P, new list becomes P, P.append(new)
    return pt(path, PROTO + b"]q\x00]q\x01a" + levels + STOP)


def npy_header(shape: tuple[int, ...], descr: str = "<f4") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def npz(path: Path, *entries: Entry) -> Path:
    return write_zip(path, list(entries))


def object_npz(path: Path) -> Path:
    np.savez(path, w=np.array([1, None], dtype=object))
    return path


def truncated_npz(path: Path) -> Path:
    np.savez_compressed(path, w=np.arange(10_000, dtype="<f4"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


WEIGHT_NPY = npy_header((4,)) + FOUR_FLOATS

ATTACKS: dict[str, Attack] = {
    # 1. BUILD on the reader's stand-ins: used to change how every later file in the process was read.
    "build-storage-dtype-bfloat16": Attack(
        lambda p: pt(p, PROTO + name("torch", "FloatStorage") + b"}" + text("dtype") + text("bfloat16") + b"sb."),
        "pt",
        "data.pkl",
        r"BUILD applied to torch\.FloatStorage",
    ),
    "build-storage-dtype-float64": Attack(
        lambda p: pt(p, PROTO + name("torch", "FloatStorage") + b"}" + text("dtype") + text("<f8") + b"sb."),
        "pt",
        "data.pkl",
        r"BUILD applied to torch\.FloatStorage",
    ),
    "build-on-rebuild-function": Attack(
        lambda p: pt(p, PROTO + name("torch._utils", "_rebuild_tensor_v2") + b"}" + text("x") + integer(1) + b"sb."),
        "pt",
        "data.pkl",
        r"BUILD applied to _rebuild_tensor_v2",
    ),
    "duplicate-state-dict-key": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(persistent_id())), ("w", tensor(persistent_id()))) + STOP),
        "pt",
        "data.pkl",
        r"the dictionary key 'w' is given twice",
    ),
    "setitem-on-storage-type": Attack(
        lambda p: pt(p, PROTO + name("torch", "FloatStorage") + text("dtype") + text("<f8") + b"s."),
        "pt",
        "data.pkl",
        r"SETITEM applied to torch\.FloatStorage",
    ),
    # 2. A 2^levels hash / repr: as the storage key, as the persistent id, as a dictionary key.
    "hash-chain-90-as-storage-key": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(persistent_id(key=hash_chain(90))))) + STOP),
        "pt",
        "data.pkl",
        r"nests containers more than \d+ deep",
    ),
    "hash-chain-30-as-storage-key": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(persistent_id(key=hash_chain(30))))) + STOP),
        "pt",
        "data.pkl",
        r"storage key is a tuple",
    ),
    "hash-chain-90-as-persistent-id": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(hash_chain(90) + b"Q"))) + STOP),
        "pt",
        "data.pkl",
        r"nests containers more than \d+ deep",
    ),
    "hash-chain-30-as-persistent-id": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(hash_chain(30) + b"Q"))) + STOP),
        "pt",
        "data.pkl",
        r"persistent id is a tuple, not torch's",
    ),
    "hash-chain-30-as-dict-key": Attack(
        lambda p: pt(p, PROTO + b"}" + hash_chain(30) + integer(1) + b"s" + STOP),
        "pt",
        "data.pkl",
        r"dictionary key is a tuple",
    ),
    # Deep nesting: 100 000 levels of tuples (as persistent id and as key) and of lists (as a value).
    "deep-tuples-as-persistent-id": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", tensor(b")" + b"\x85" * 100_000 + b"Q"))) + STOP),
        "pt",
        "data.pkl",
        r"nests containers more than \d+ deep",
    ),
    "deep-tuples-as-dict-key": Attack(
        lambda p: pt(p, PROTO + b"}" + b")" + b"\x85" * 100_000 + integer(1) + b"s" + STOP),
        "pt",
        "data.pkl",
        r"nests containers more than \d+ deep",
    ),
    "deep-lists-as-value": Attack(
        lambda p: pt(p, PROTO + state_dict(("w", b"]" * 100_000 + b"a" * 99_999)) + STOP),
        "pt",
        "data.pkl",
        r"nests containers more than \d+ deep",
    ),
    "deep-lists-through-the-memo": Attack(freeze_bypass, "pt", "data.pkl", r"changes a list after it was placed"),
    # 3. Zip bombs: in a tensor entry (honest and lying sizes), in data.pkl; amplification by views and objects.
    "zip-bomb-in-tensor-entry": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data/0": inflating_to_zeros("archive/data/0", b"", 1024)}),
        "pt",
        "data/0",
        r"holds 1073741824 bytes, but its 4 FloatStorage elements take 16 bytes \(refused before decompressing",
    ),
    "zip-bomb-in-tensor-entry-lying-size": Attack(
        lambda p: pt(
            p,
            BENIGN_PICKLE,
            **{"data/0": dataclasses.replace(inflating_to_zeros("archive/data/0", b"", 1024), size=16)},
        ),
        "pt",
        "data/0",
        r"is compressed \(zip method 8\)",
    ),
    "zip-bomb-in-data-pkl": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data.pkl": inflating_to_zeros("archive/data.pkl", BENIGN_PICKLE, 1024)}),
        "pt",
        "data.pkl",
        r"holds 10737419\d\d bytes, more than the 8388608 a data\.pkl may have",
    ),
    "aliased-views": Attack(aliased_views, "pt", "data.pkl", r"copy their storages many times over"),
    "many-small-objects": Attack(
        lambda p: pt(p, PROTO + b"}" * (8 * MIB - 16) + STOP), "pt", "data.pkl", r"builds more than \d+ values"
    ),
    "many-short-strings": Attack(
        lambda p: pt(p, PROTO + b"(" + b"\x8c\x02ab" * (2 * MIB - 8) + b"t" + STOP),
        "pt",
        "data.pkl",
        r"builds more than \d+ values",
    ),
    # 8. Zip features torch never writes, and truncation.
    "unknown-compression-method": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data/0": stored("archive/data/0", FOUR_FLOATS, method=99)}),
        "pt",
        "data/0",
        r"is compressed \(zip method 99\)",
    ),
    "deflated-data-pkl": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data.pkl": deflated("archive/data.pkl", BENIGN_PICKLE)}),
        "pt",
        "data.pkl",
        r"is compressed \(zip method 8\); torch stores entries uncompressed",
    ),
    "encryption-flag": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data/0": stored("archive/data/0", FOUR_FLOATS, flags=1)}),
        "pt",
        "data/0",
        r"is encrypted",
    ),
    "truncated-archive": Attack(lambda p: truncated(p, 0.6), "pt", None, r"not a PyTorch zip checkpoint"),
    "truncated-data-pkl": Attack(
        lambda p: pt(p, BENIGN_PICKLE[: len(BENIGN_PICKLE) // 2]),
        "pt",
        "data.pkl",
        r"the pickle ends (before its STOP|inside an opcode)",
    ),
    "truncated-tensor-entry": Attack(
        lambda p: pt(
            p, BENIGN_PICKLE, **{"data/0": stored("archive/data/0", FOUR_FLOATS[:8], size=16, stored_size=16)}
        ),
        "pt",
        "data/0",
        r"corrupt \(BadZipFile: Bad CRC-32",
    ),
    "stored-size-disagrees": Attack(
        lambda p: pt(p, BENIGN_PICKLE, **{"data/0": stored("archive/data/0", FOUR_FLOATS, stored_size=8)}),
        "pt",
        "data/0",
        r"is stored in 8 bytes but says it holds 16",
    ),
    # The same for .npz files (a user's, or the download cache).
    "npz-zip-bomb": Attack(
        lambda p: npz(p, inflating_to_zeros("w.npy", npy_header((GIB // 4,)), 1024)),
        "npz",
        None,
        r"would inflate to \d+ bytes from a \d+-byte file .*zip bomb",
    ),
    "npz-entry-larger-than-its-header": Attack(
        lambda p: npz(p, inflating_to_zeros("w.npy", npy_header((4,)), 32)),
        "npz",
        "w.npy",
        r"inflates to \d+ bytes but its \(4,\) float32 array needs \d+ \(refused before decompressing",
    ),
    "npz-object-array": Attack(object_npz, "npz", "w.npy", r"holds Python objects"),
    "npz-encryption-flag": Attack(
        lambda p: npz(p, stored("w.npy", WEIGHT_NPY, flags=1)), "npz", "w.npy", r"is encrypted"
    ),
    "npz-unknown-compression-method": Attack(
        lambda p: npz(p, stored("w.npy", WEIGHT_NPY, method=99)), "npz", "w.npy", r"compression method 99"
    ),
    "npz-truncated": Attack(truncated_npz, "npz", None, r"truncated or corrupt"),
}


# ---------------------------------------------------------------------------------------------------------------
# The worker: runs every attack in one process, then loads Apple's fixture in that same process.


def worker(folder: Path) -> dict:
    import gc
    import resource
    import traceback

    from keras_mv2.weights import CheckpointError, read_torch_checkpoint
    from keras_mv2.weights.npz_reader import read_npz_state_dict

    readers = {"pt": read_torch_checkpoint, "npz": read_npz_state_dict}
    # A regression must fail the test, not exhaust the shared machine: at most 2 GiB more address space.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = status("VmSize") + 2 * GIB
    if limit > 2 * GIB:  # the current size is known (Linux)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    maxrss_unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB elsewhere
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * maxrss_unit
    results = {}
    for attack_name, attack in ATTACKS.items():
        path = folder / f"{attack_name}.{attack.reader}"
        print(f"start {attack_name}", file=sys.stderr, flush=True)
        gc.collect()
        per_attack = reset_peak()
        before = status("VmRSS")
        start = time.perf_counter()
        try:
            readers[attack.reader](path)
            outcome = {"error": None, "message": "loaded without error"}
        except CheckpointError as error:
            outcome = {"error": "CheckpointError", "message": str(error)}
        except BaseException as error:  # recorded: any other exception is a failure the test reports
            outcome = {"error": type(error).__name__, "message": traceback.format_exc()[-2000:]}
        seconds = time.perf_counter() - start
        if per_attack:
            extra = status("VmHWM") - before
        else:  # the process-wide peak so far: an upper bound for this attack
            extra = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * maxrss_unit - baseline
        results[attack_name] = {
            **outcome,
            "path": str(path),
            "seconds": seconds,
            "extra_mb": extra / MIB,
            "memory": "VmHWM" if per_attack else "ru_maxrss",
        }
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    return {"attacks": results, "fixture_logits_error": fixture_logits_error(), "pid": os.getpid()}


def fixture_logits_error() -> float:
    """Max absolute logits error of the 0.5 fixture checkpoint against Apple's, in this process."""
    from conftest import checkpoint, reference_io

    from keras_mv2.applications import MobileViTv2

    reference = reference_io("0.5", "256x256")
    model = MobileViTv2(0.5, weights=str(checkpoint("0.5")), classifier_activation=None)
    logits = model.predict(reference["images"], verbose=0)
    return float(np.abs(logits - reference["logits"]).max())


# ---------------------------------------------------------------------------------------------------------------
# The tests.


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    for attack_name, attack in ATTACKS.items():
        attack.build(folder / f"{attack_name}.{attack.reader}")
    command = [sys.executable, __file__, str(folder)]
    root = str(Path(__file__).resolve().parents[1])  # this checkout's code, not an installed copy's
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env)
    except subprocess.TimeoutExpired as expired:
        started = re.findall(r"^start (\S+)", (expired.stderr or b"").decode(errors="replace"), re.MULTILINE)
        pytest.fail(f"the worker hung; last attack started: {started[-1] if started else 'none'}")
    if done.returncode != 0:
        pytest.fail(f"the worker failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for attack_name, row in result["attacks"].items():
        print(
            f"{attack_name:40s} {row['error'] or 'LOADED':15s} {row['seconds']:6.2f} s "
            f"{row['extra_mb']:7.1f} MB ({row['memory']})  {Path(row['path']).stat().st_size:>9d} bytes"
        )
    print(f"fixture logits max error after all attacks, same process: {result['fixture_logits_error']:.2e}")
    return result


@pytest.mark.parametrize("attack_name", list(ATTACKS))
def test_attack_is_refused_quickly_and_cheaply(report, attack_name):
    attack, row = ATTACKS[attack_name], report["attacks"][attack_name]
    assert row["error"] == "CheckpointError", row["message"]
    message = row["message"]
    assert message.startswith(row["path"]), message
    if attack.entry is not None:
        assert f"'{'' if attack.reader == 'npz' else 'archive/'}{attack.entry}'" in message, message
    assert re.search(attack.reason, message), message
    assert row["seconds"] < TIME_LIMIT_S, row
    assert row["extra_mb"] < MEMORY_LIMIT_MB, row


def test_after_every_attack_the_fixture_still_matches_apple(report):
    assert report["fixture_logits_error"] < 1e-4


def test_crafted_files_are_real_checkpoints_apart_from_the_attack(tmp_path):
    """The builders are sound: the benign file they make loads identically in torch and here."""
    import torch

    from keras_mv2.weights import read_torch_checkpoint

    path = pt(tmp_path / "benign.pt", BENIGN_PICKLE)
    theirs = torch.load(path, weights_only=True)
    ours = read_torch_checkpoint(path)
    assert list(ours) == list(theirs) == ["w"]
    np.testing.assert_array_equal(ours["w"], theirs["w"].numpy())
    inflating = inflating_to_zeros("x", b"head", 3)
    assert zlib.decompress(inflating.data, -15) == b"head" + bytes(3 * MIB)
    assert zlib.crc32(b"head" + bytes(3 * MIB)) == inflating.crc


def test_build_attacks_leave_later_loads_intact(tmp_path):
    """In this process too: after the stand-in attacks, Apple's fixture reads exactly as torch reads it."""
    import torch
    from conftest import checkpoint

    from keras_mv2.weights import CheckpointError, read_torch_checkpoint

    for attack_name in ("build-storage-dtype-bfloat16", "build-storage-dtype-float64", "setitem-on-storage-type"):
        path = ATTACKS[attack_name].build(tmp_path / f"{attack_name}.pt")
        with pytest.raises(CheckpointError):
            read_torch_checkpoint(path)
    ours = read_torch_checkpoint(checkpoint("0.5"))
    theirs = torch.load(checkpoint("0.5"), weights_only=True)
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        np.testing.assert_array_equal(ours[key], value.numpy())


def test_training_checkpoint_with_optimizer_state_still_loads(tmp_path):
    """The limits leave room for what torch really writes: nested dicts, optimizer state, parameters, bfloat16."""
    import torch

    from keras_mv2.weights import read_torch_checkpoint

    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.Flatten(), torch.nn.LazyLinear(5)
    )
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.randn(2, 3, 8, 8)).sum().backward()
    optimizer.step()
    state = model.state_dict()
    extra = {
        "bf16": torch.arange(6, dtype=torch.bfloat16).reshape(2, 3).t(),
        "param": torch.nn.Parameter(torch.ones(3)),
    }
    path = tmp_path / "train.pt"
    torch.save({"model": state, "optimizer": optimizer.state_dict(), "epoch": 7, "extra": extra}, path)
    ours = read_torch_checkpoint(path)
    assert sorted(ours) == sorted(state)
    for key, value in state.items():
        np.testing.assert_array_equal(ours[key], value.numpy())


def test_many_tensors_fit_the_limits(tmp_path):
    """A state dict with 30x the tensors of Apple's largest checkpoint (269) is not mistaken for an attack."""
    import torch

    from keras_mv2.weights import read_torch_checkpoint

    state = {f"block_{i}.weight": torch.full((2,), float(i)) for i in range(8000)}
    torch.save(state, tmp_path / "many.pt")
    ours = read_torch_checkpoint(tmp_path / "many.pt")
    assert len(ours) == 8000
    np.testing.assert_array_equal(ours["block_7999.weight"], [7999.0, 7999.0])


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_npz_reader_round_trips(tmp_path, save):
    from keras_mv2.weights.npz_reader import read_npz_state_dict

    arrays = {
        "conv.weight": np.arange(24, dtype=">f4").reshape(2, 3, 4),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "empty": np.zeros((0, 3), "<i8"),
        "scalar": np.array(3, "<i2"),
    }
    save(tmp_path / "w.npz", **arrays)
    ours = read_npz_state_dict(tmp_path / "w.npz")
    assert sorted(ours) == sorted(arrays)
    for key, value in arrays.items():
        assert ours[key].dtype == value.dtype and ours[key].shape == value.shape
        np.testing.assert_array_equal(ours[key], value)
        assert ours[key].flags.writeable
    assert ours["fortran"].flags.f_contiguous


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]))))
