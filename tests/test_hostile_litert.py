"""Hostile ``.tflite`` files (issue 22, cause 8): damaged metadata, packed labels and model signatures.

Every model is made here: a tiny classifier from the converter, then changed through LiteRT's own generated
flatbuffer classes (``ModelT``) or byte by byte. ``classify`` (through ``mv2 classify``) and ``serve-demo``'s
loader run each in one worker process (``hostile_harness``): damaged metadata used to kill the process with
SIGSEGV inside tflite-support's C++ JSON converter.
"""

from __future__ import annotations

import contextlib
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from hostile_harness import check_refused, limit_address_space, measure, run_worker
from test_hostile_checkpoints import inflating_to_zeros, stored, write_zip

LABELS = ["cat", "dog", "fox"]


def _converted(path: Path, build) -> bytes:
    import keras
    import tensorflow as tf

    flatbuffer = tf.lite.TFLiteConverter.from_keras_model(build(keras)).convert()
    path.write_bytes(flatbuffer)
    return flatbuffer


def _classifier(keras):
    inputs = keras.Input((16, 16, 3))
    return keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(inputs)))


def _rank_2_input(keras):
    inputs = keras.Input((16,))
    return keras.Model(inputs, keras.layers.Dense(3)(inputs))


def _five_d_output(keras):
    inputs = keras.Input((16, 16, 3))
    scores = keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(inputs))
    return keras.Model(inputs, keras.layers.Reshape((1, 1, 1, 3))(scores))


def _pack(model) -> bytes:
    import flatbuffers

    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _edited(flatbuffer: bytes, edit) -> bytes:
    """``flatbuffer`` read into LiteRT's object classes, changed by ``edit(model, metadata_entry)``, packed again."""
    from ai_edge_litert.schema_py_generated import ModelT

    model = ModelT.InitFromPackedBuf(flatbuffer, 0)
    entry = next((m for m in model.metadata or [] if m.name == b"TFLITE_METADATA"), None)
    edit(model, entry)
    return _pack(model)


def _set_metadata(flatbuffer: bytes, change) -> bytes:
    """The metadata buffer's bytes replaced by ``change(bytearray)``; the packed labels dropped."""

    def edit(model, entry):
        buffer = model.buffers[entry.buffer]
        data = bytearray(bytes(buffer.data))
        change(data)
        buffer.data = list(data)

    return _edited(flatbuffer, edit)


def _root_offset(data: bytearray) -> None:
    struct.pack_into("<I", data, 0, 0x7FFFFFF0)


def _vtable_offset(data: bytearray) -> None:
    struct.pack_into("<i", data, struct.unpack_from("<I", data, 0)[0], -0x7FFFFFF0)


def _identifier(data: bytearray) -> None:
    data[4:8] = b"XXXX"


def _field_offsets(data: bytearray) -> None:
    """Every field of the root table pointing 2 GB away."""
    root = struct.unpack_from("<I", data, 0)[0]
    vtable = root - struct.unpack_from("<i", data, root)[0]
    for slot in range(4, struct.unpack_from("<H", data, vtable)[0], 2):
        if field := struct.unpack_from("<H", data, vtable + slot)[0]:
            struct.pack_into("<I", data, root + field, 0x7FFFFF00)


def _rename_metadata(flatbuffer: bytes, name: bytes) -> bytes:
    """The model's name field in its metadata replaced (same length) by ``name``."""
    from tensorflow_lite_support.metadata.python.metadata import get_metadata_buffer

    old = b"MobileViTv2 image classifier"
    assert get_metadata_buffer(flatbuffer).count(old) == 1
    return flatbuffer.replace(old, name.ljust(len(old), b"x")[: len(old)], 1)


def _with_labels_zip(flatbuffer: bytes, folder: Path, entry) -> bytes:
    """The flatbuffer (its own packed files dropped) followed by a zip holding ``entry``, as the writers pack."""
    bare = _edited(flatbuffer, lambda model, meta: None)
    return bare + write_zip(folder / "labels.zip", [entry]).read_bytes()


def _bad_crc(flatbuffer: bytes, folder: Path) -> bytes:
    labels = "\n".join(LABELS).encode()
    return _with_labels_zip(flatbuffer, folder, stored("labels.txt", labels, crc=zlib_crc(labels) ^ 1))


def zlib_crc(data: bytes) -> int:
    import zlib

    return zlib.crc32(data)


def _huge_input(flatbuffer: bytes) -> bytes:
    def edit(model, entry):
        graph = model.subgraphs[0]
        graph.tensors[graph.inputs[0]].shape = [1, 20000, 20000, 3]

    return _edited(flatbuffer, edit)


def _no_outputs(flatbuffer: bytes) -> bytes:
    def edit(model, entry):
        model.subgraphs[0].outputs = []

    return _edited(flatbuffer, edit)


def _missing_buffer(flatbuffer: bytes) -> bytes:
    def edit(model, entry):
        entry.buffer = 9999

    return _edited(flatbuffer, edit)


def _empty_buffer(flatbuffer: bytes) -> bytes:
    def edit(model, entry):
        model.buffers[entry.buffer].data = None

    return _edited(flatbuffer, edit)


# name -> (builder(base flatbuffer with metadata, folder) -> bytes, what the message must say)
CASES = {
    "metadata-root-offset": (lambda f, d: _set_metadata(f, _root_offset), r"damaged metadata"),
    "metadata-vtable-offset": (lambda f, d: _set_metadata(f, _vtable_offset), r"damaged metadata"),
    "metadata-field-offsets": (lambda f, d: _set_metadata(f, _field_offsets), r"damaged metadata"),
    "metadata-not-metadata": (lambda f, d: _set_metadata(f, _identifier), r"no 'M001' identifier"),
    "metadata-missing-buffer": (lambda f, d: _missing_buffer(f), r"names buffer 9999, the model has \d+"),
    "metadata-empty-buffer": (lambda f, d: _empty_buffer(f), r"names buffer \d+, which is empty"),
    "metadata-name-not-utf8": (lambda f, d: _rename_metadata(f, b"\xff\xfe not text"), r"name is not UTF-8"),
    "labels-bad-crc": (_bad_crc, r"packed file 'labels\.txt': damaged packed files \(BadZipFile: Bad CRC-32"),
    "labels-zip-bomb": (
        lambda f, d: _with_labels_zip(f, d, inflating_to_zeros("labels.txt", b"cat\n", 2048)),
        r"packed file 'labels\.txt': declares 2147483652 bytes \(at most 8388608\)",
    ),
    "labels-zip-bomb-lying-size": (
        lambda f, d: _with_labels_zip(
            f, d, dataclass_replace(inflating_to_zeros("labels.txt", b"cat\n", 1024), size=4)
        ),
        r"packed file 'labels\.txt': damaged packed files \(BadZipFile: Bad CRC-32",
    ),
    "labels-not-utf8": (
        lambda f, d: _with_labels_zip(f, d, stored("labels.txt", b"cat\n\xff\n\xfe\n")),
        r"packed file 'labels\.txt': is not UTF-8 text",
    ),
    "no-outputs": (lambda f, d: _no_outputs(f), r"not an image classifier \(1 inputs and 0 outputs"),
    "huge-input": (
        lambda f, d: _huge_input(f),
        r"its input '\S+' of shape \[1, 20000, 20000, 3\] takes 4800000000 bytes \(at most 268435456",
    ),
}
# Models of another shape, from the converter.
CONVERTED = {
    "rank-2-input": (_rank_2_input, r"not an image classifier \(input of shape \[1, 16\]"),
    "five-d-output": (_five_d_output, r"not an image classifier \(output of shape \[1, 1, 1, 1, 3\]"),
}
SERVED = ("metadata-root-offset", "metadata-missing-buffer", "labels-zip-bomb", "huge-input")


def dataclass_replace(entry, **changes):
    import dataclasses

    return dataclasses.replace(entry, **changes)


def worker(folder: Path) -> dict:
    from edge.serve import load_demo_model
    from keras_mv2.cli import main

    image = str(folder / "photo.png")
    limit_address_space()
    results = {}
    for name in [*CASES, *CONVERTED, "valid"]:
        path = str(folder / f"{name}.tflite")
        printed, output = io.StringIO(), io.StringIO()

        def classify(path=path, printed=printed, output=output):
            with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(output):
                code = main(["classify", path, image])
            if code != 0:  # the one line the user sees, as the error
                raise RuntimeError(printed.getvalue().removeprefix("mv2 classify: error: ").rstrip("\n"))

        row = measure(name, classify)
        results[name] = {**row, "printed": printed.getvalue(), "output": output.getvalue(), "path": path}
        if name in SERVED:
            results[f"{name} (serve-demo)"] = {**measure(name, lambda p=path: load_demo_model(p)), "path": path}
    return results


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    from PIL import Image

    folder = tmp_path_factory.mktemp("litert")
    Image.new("RGB", (40, 30), (200, 100, 50)).save(folder / "photo.png")
    from edge.metadata import add_classifier_metadata

    base = add_classifier_metadata(_converted(folder / "bare.tflite", _classifier), LABELS)
    (folder / "valid.tflite").write_bytes(base)
    for name, (build, _) in CASES.items():
        (folder / f"{name}.tflite").write_bytes(build(base, folder))
    for name, (build, _) in CONVERTED.items():
        _converted(folder / f"{name}.tflite", build)
    result = run_worker(__file__, folder)
    for name, row in result.items():
        print(f"{name:45s} {row['error'] or 'ACCEPTED':12s} {row['seconds']:6.2f} s {row['extra_mb']:7.1f} MB")
    return result


@pytest.mark.parametrize("name", [*CASES, *CONVERTED])
def test_classify_refuses_a_hostile_model_in_one_line(report, name):
    row = report[name]
    reason = {**CASES, **CONVERTED}[name][1]
    check_refused(row, row["path"], reason, "RuntimeError")
    assert row["printed"].count("\n") == 1 and row["printed"].startswith("mv2 classify: error: "), row["printed"]


@pytest.mark.parametrize("name", SERVED)
def test_serve_demo_refuses_a_hostile_model(report, name):
    row = report[f"{name} (serve-demo)"]
    check_refused(row, row["path"], CASES[name][1], "EdgeError")


def test_the_untouched_model_still_classifies(report):
    """The builders change only what they mean to: the valid model, rebuilt the same way, classifies."""
    assert report["valid"]["error"] is None, report["valid"]
    assert "cat" in report["valid"]["output"], report["valid"]


def test_our_reader_gives_what_tflite_support_gives(tmp_path):
    """On a valid model, the bounded reader returns tflite-support's own values for the fields it reads."""
    from tensorflow_lite_support.metadata.python import metadata

    from edge.metadata import add_classifier_metadata, read_metadata

    model = add_classifier_metadata(_converted(tmp_path / "bare.tflite", _classifier), LABELS)
    ours = read_metadata(model)
    displayer = metadata.MetadataDisplayer.with_model_buffer(model)
    theirs = json.loads(displayer.get_metadata_json())
    assert ours["files"] == {"labels.txt": displayer.get_associated_file_buffer("labels.txt").decode()}
    for key in ("name", "description", "min_parser_version"):
        assert ours["json"][key] == theirs[key]
    for side in ("input_tensor_metadata", "output_tensor_metadata"):
        for mine, reference in zip(ours["json"]["subgraph_metadata"][0][side], theirs["subgraph_metadata"][0][side],
                                   strict=True):  # fmt: skip
            for key in ("name", "description", "process_units", "associated_files"):
                assert mine[key] == reference.get(key, []), key
    with zipfile.ZipFile(io.BytesIO(model)) as archive:
        assert archive.namelist() == ["labels.txt"]


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]))))
