"""Weights of the wrong rank, type or value (issue 22, causes 1-3 and 10), built here from Apple's fixture.

Each crafted file is Apple's 0.5 fixture with one tensor changed, written as ``.npz`` or ``.safetensors``
(both by hand where a library would refuse to write the attack). ``mv2 convert-weights`` runs each in one
worker process (``hostile_harness``), where a 4,000,000-class head or a layout change on the wrong rank
used to cost gigabytes or a traceback; each must be one line naming the file and write nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import checkpoint
from hostile_harness import check_refused, limit_address_space, measure, run_worker

STEM = "conv_1.block.conv.weight"
HEAD = "classifier.1.weight"
FORGED = "x\n\x1b[31mmv2 convert-weights: error: forged\x1b[0m"


def fixture_state() -> dict[str, np.ndarray]:
    from keras_mv2.weights import read_torch_checkpoint

    return {k: np.array(v) for k, v in read_torch_checkpoint(checkpoint("0.5")).items()}


def safetensors_bytes(entries: list[tuple[str, str, tuple[int, ...], bytes]]) -> bytes:
    """A ``.safetensors`` file written field by field: ``(name, dtype, shape, raw bytes)`` in order (names may
    repeat, types may be any the format names)."""
    header_items, offset, blobs = [], 0, []
    for name, kind, shape, raw in entries:
        entry = {"dtype": kind, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        header_items.append(f"{json.dumps(name)}: {json.dumps(entry)}")
        offset += len(raw)
        blobs.append(raw)
    header = ("{" + ", ".join(header_items) + "}").encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(blobs)


def as_safetensors(state: dict[str, np.ndarray], **replaced: tuple[str, tuple[int, ...], bytes]) -> bytes:
    kinds = {"float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64"}
    entries = []
    for name, value in state.items():
        if name in replaced:
            entries.append((name, *replaced[name]))
        else:
            entries.append((name, kinds[value.dtype.name], value.shape, np.ascontiguousarray(value).tobytes()))
    return safetensors_bytes(entries)


def changed(state: dict, **values) -> dict:
    return {**state, **values}


def npz_of(state: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **state)
    return buffer.getvalue()


def _with_nan(state: dict) -> dict:
    stem = state[STEM].copy()
    stem[0, 0, 0, 0] = np.nan
    return changed(state, **{STEM: stem})


def _with_inf_half(state: dict) -> bytes:
    layer = "layer_1.0.block.exp_1x1.block.norm.running_var"
    values = state[layer].astype("<f2")
    values[3] = np.inf
    return as_safetensors(state, **{layer: ("F16", values.shape, values.tobytes())})


def _duplicate(state: dict) -> bytes:
    """The stem listed twice: the second entry (zeros) used to win silently."""
    entries = [(k, "F32", v.shape, v.astype("<f4").tobytes()) for k, v in state.items() if v.dtype.kind == "f"]
    entries.append((STEM, "F32", state[STEM].shape, bytes(state[STEM].size * 4)))
    return safetensors_bytes(entries)


def _structured(state: dict) -> dict:
    stem = state[STEM]
    record = np.zeros(stem.shape, dtype=[("a", "<f4"), ("b", "<f4")])
    return changed(state, **{STEM: record})


# name -> (file suffix, builder(fixture state) -> bytes, what the message must say)
CASES = {
    "rank-1-stem": (".npz", lambda s: npz_of(changed(s, **{STEM: s[STEM].ravel()})),
                    rf"'{STEM}' has rank 1 \(432,\), model wants \(3, 3, 3, 16\)"),
    "rank-0-stem": (".npz", lambda s: npz_of(changed(s, **{STEM: np.float32(1.0)})),
                    rf"tensor '{STEM}' has rank 0"),
    "unicode-weights": (".npz", lambda s: npz_of(changed(s, **{STEM: np.full(s[STEM].shape, "weight")})),
                        rf"tensor '{STEM}' is of type <U6"),
    "structured-weights": (".npz", lambda s: npz_of(_structured(s)), rf"tensor '{STEM}' is of type \[\("),
    "datetime-weights": (".npz", lambda s: npz_of(changed(s, **{STEM: np.zeros(s[STEM].shape, "datetime64[s]")})),
                         rf"tensor '{STEM}' is of type datetime64\[s\]"),
    "integer-weights": (".npz", lambda s: npz_of(changed(s, **{STEM: s[STEM].astype(np.int32)})),
                        rf"tensor '{STEM}' is of type int32"),
    "float8-safetensors": (".safetensors",
                           lambda s: as_safetensors(s, **{STEM: ("F8_E4M3", s[STEM].shape, bytes(s[STEM].size))}),
                           rf"tensor '{STEM}' is of type F8_E4M3"),
    "duplicate-safetensors-key": (".safetensors", _duplicate, rf"lists tensor '{STEM}' twice"),
    "zero-size-head-of-4m-classes": (
        ".npz",
        lambda s: npz_of(changed(s, **{HEAD: np.zeros((4_000_000, 0), np.float32), "classifier.1.bias": s[
            "classifier.1.bias"]})),
        rf"tensor '{HEAD}' has shape \(4000000, 0\): a zero-size axis",
    ),
    "head-of-4m-classes-and-1-feature": (
        ".npz",
        lambda s: npz_of(changed(s, **{HEAD: np.ones((4_000_000, 1), np.float32),
                                       "classifier.1.bias": np.ones(4_000_000, np.float32)})),
        r"its classifier takes 1 features, the alpha=0.5 backbone gives 256",
    ),
    "nan-weight": (".npz", lambda s: npz_of(_with_nan(s)), rf"tensor '{STEM}' holds NaN or infinite values"),
    "inf-in-float16-safetensors": (".safetensors", _with_inf_half, r"holds NaN or infinite values"),
    "forged-console-line": (".npz", lambda s: npz_of(changed(s, **{FORGED: np.float32([1.0])})),
                            r"x\\n\\x1b\[31mmv2 convert-weights: error: forged"),
}  # fmt: skip
WIDTH_GIVEN = {"rank-1-stem"}  # with --alpha the stem's shape is not needed to size the model


def worker(folder: Path) -> dict:
    from keras_mv2.cli import main

    limit_address_space()
    results = {}
    for name, (suffix, _, _) in CASES.items():
        path, output = str(folder / f"{name}{suffix}"), folder / f"{name}.weights.h5"
        printed = io.StringIO()

        def convert(path=path, output=output, printed=printed, name=name):
            with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(io.StringIO()):
                width = ["--alpha", "0.5"] if name in WIDTH_GIVEN else []
                code = main(["convert-weights", path, str(output), *width])
            if code != 0:
                raise RuntimeError(printed.getvalue().removeprefix("mv2 convert-weights: error: ").rstrip("\n"))

        row = measure(name, convert)
        results[name] = {**row, "printed": printed.getvalue(), "path": path, "written": output.exists()}
    return results


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("weights")
    state = fixture_state()
    for name, (suffix, build, _) in CASES.items():
        (folder / f"{name}{suffix}").write_bytes(build(state))
    result = run_worker(__file__, folder)
    for name, row in result.items():
        size = Path(row["path"]).stat().st_size
        outcome = row["error"] or "ACCEPTED"
        print(f"{name:36s} {outcome:12s} {row['seconds']:6.2f} s {row['extra_mb']:7.1f} MB {size:>9d} B")
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_convert_weights_refuses_in_one_line_and_writes_nothing(report, name):
    row = report[name]
    check_refused(row, row["path"], CASES[name][2], "RuntimeError")
    assert row["printed"].count("\n") == 1 and row["printed"].startswith("mv2 convert-weights: error: "), row
    assert "\x1b" not in row["printed"]
    assert not row["written"]


@pytest.mark.parametrize("name", ["rank-1-stem", "structured-weights", "nan-weight", "duplicate-safetensors-key"])
def test_load_weights_refuses_and_leaves_the_model_untouched(tmp_path, name):
    """The rank-1 stem reaches the key map: refused there, before its layout change."""
    from keras_mv2.applications import MobileViTv2
    from keras_mv2.weights import CheckpointError, load_weights

    suffix, build, reason = CASES[name]
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(build(fixture_state()))
    model = MobileViTv2(0.5, input_shape=(64, 64, 3))
    before = [np.array(v) for v in model.weights]
    with pytest.raises(CheckpointError, match=reason) as caught:
        load_weights(model, path)
    assert str(caught.value).startswith(str(path))
    for variable, value in zip(model.weights, before, strict=True):
        np.testing.assert_array_equal(np.array(variable), value)


def test_the_fixture_written_by_these_builders_still_loads(tmp_path):
    """The builders change only the tensor they mean to: the untouched state, as .npz and as hand-written
    .safetensors (float16 and bfloat16 among them), gives the model Apple's weights."""
    from keras_mv2.weights import read_state_dict

    state = fixture_state()
    (tmp_path / "same.npz").write_bytes(npz_of(state))
    (tmp_path / "same.safetensors").write_bytes(as_safetensors(state))
    for path in (tmp_path / "same.npz", tmp_path / "same.safetensors"):
        loaded = read_state_dict(path)
        assert sorted(loaded) == sorted(state)
        for key, value in state.items():
            np.testing.assert_array_equal(loaded[key], value)
    bf16 = np.array([1.0, -2.5, 2.0**100], np.float32)  # exact in bfloat16
    raw = (bf16.view("<u4") >> 16).astype("<u2").tobytes()
    (tmp_path / "bf16.safetensors").write_bytes(safetensors_bytes([("w", "BF16", (3,), raw)]))
    from keras_mv2.weights.hf_keys import read_safetensors

    np.testing.assert_array_equal(read_safetensors(tmp_path / "bf16.safetensors")["w"], bf16)


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]))))
