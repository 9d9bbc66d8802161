"""Hostile Keras files (issue 22, cause 9): a FIFO, HDF5 datasets larger than the file, a config.json bomb,
broken archives; each made here and run in one worker process (``hostile_harness``) through ``load_weights``,
``mv2 classify`` and ``mv2 export --model``: one line naming the file, nothing written, no hang."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
from hostile_harness import check_refused, limit_address_space, measure, run_worker
from test_hostile_checkpoints import inflating_to_zeros, write_zip


def tiny_model():
    import keras

    inputs = keras.Input((8, 8, 3))
    return keras.Model(inputs, keras.layers.Dense(3, name="dense")(keras.layers.GlobalAveragePooling2D()(inputs)))


def huge_dataset_weights(path: Path) -> Path:
    """The tiny model's weights with its kernel replaced by a 3.6 GB dataset that stores nothing (fill value)."""
    import h5py

    tiny_model().save_weights(path)
    with h5py.File(path, "r+") as file:
        kernels = []
        file.visititems(
            lambda key, item: kernels.append(key) if isinstance(item, h5py.Dataset) and item.ndim == 2 else None
        )
        del file[kernels[0]]
        file.create_dataset(kernels[0], shape=(30_000, 30_000), dtype="f4")
    assert path.stat().st_size < 100_000
    return path


def huge_dataset_archive(path: Path, valid: Path, scratch: Path) -> Path:
    """``valid`` (a .keras archive) with its weights' kernel replaced by a 3.6 GB dataset that stores nothing."""
    import h5py

    with zipfile.ZipFile(valid) as archive:
        (scratch / "model.weights.h5").write_bytes(archive.read("model.weights.h5"))
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    with h5py.File(scratch / "model.weights.h5", "r+") as file:
        kernels = []
        file.visititems(lambda key, item: kernels.append(key) if getattr(item, "ndim", 0) == 2 else None)
        del file[kernels[0]]
        file.create_dataset(kernels[0], shape=(30_000, 30_000), dtype="f4")
    entries["model.weights.h5"] = (scratch / "model.weights.h5").read_bytes()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def config_bomb(path: Path, valid: Path) -> Path:
    """A real .keras archive whose config.json is followed by 2 GiB of spaces' worth of zeros."""
    with zipfile.ZipFile(valid) as archive:
        config = archive.read("config.json")
    entries = [inflating_to_zeros("config.json", config, 2048)]
    return write_zip(path, entries)


def build(folder: Path) -> None:
    from PIL import Image

    Image.new("RGB", (16, 16), (10, 200, 30)).save(folder / "photo.png")
    os.mkfifo(folder / "fifo.weights.h5")
    huge_dataset_weights(folder / "huge.weights.h5")
    tiny_model().save(folder / "valid.keras")
    config_bomb(folder / "config-bomb.keras", folder / "valid.keras")
    (folder / "scratch").mkdir()
    huge_dataset_archive(folder / "huge-dataset.keras", folder / "valid.keras", folder / "scratch")
    with zipfile.ZipFile(folder / "no-config.keras", "w") as archive:
        archive.writestr("notes.txt", "not a model")
    with zipfile.ZipFile(folder / "valid.keras") as source, zipfile.ZipFile(folder / "bad-class.keras", "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "config.json":
                data = data.replace(b'"class_name": "Dense"', b'"class_name": "NoSuchLayer"')
            target.writestr(info, data)
    (folder / "text.keras").write_text("plain text\nover lines\n")


def _cli(arguments: list[str]):
    from keras_mv2.cli import main

    def run():
        printed = io.StringIO()
        with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(io.StringIO()):
            code = main(arguments)
        if code != 0:
            raise RuntimeError(printed.getvalue().split(": error: ", 1)[-1].rstrip("\n") + "|" + printed.getvalue())

    return run


def worker(folder: Path) -> dict:
    from keras_mv2.weights import load_weights

    limit_address_space()
    photo = str(folder / "photo.png")
    cases = {
        "fifo-weights": lambda: load_weights(tiny_model(), folder / "fifo.weights.h5"),
        "huge-dataset-weights": lambda: load_weights(tiny_model(), folder / "huge.weights.h5"),
    }
    for name in ("config-bomb", "huge-dataset", "no-config", "bad-class", "text"):
        model = str(folder / f"{name}.keras")
        cases[f"{name}-classify"] = _cli(["classify", model, photo])
        cases[f"{name}-export"] = _cli(["export", str(folder / f"{name}.tflite"), "--model", model])
    results = {}
    for name, call in cases.items():
        row = measure(name, call)
        if row["error"] == "RuntimeError":  # the one error line, and everything printed
            row["message"], row["printed"] = row["message"].split("|", 1)
        results[name] = row
    results["written"] = sorted(p.name for p in folder.glob("*.tflite"))
    return results


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("keras")
    build(folder)
    result = run_worker(__file__, folder, timeout=240)
    for name, row in result.items():
        if name != "written":
            print(f"{name:28s} {row['error'] or 'ACCEPTED':16s} {row['seconds']:6.2f} s {row['extra_mb']:7.1f} MB")
    return {**result, "folder": str(folder)}


def test_a_fifo_is_refused_without_opening_it(report):
    path = str(Path(report["folder"]) / "fifo.weights.h5")
    check_refused(report["fifo-weights"], path, r"not a regular file", "CheckpointError")


def test_datasets_larger_than_the_file_are_refused_before_reading(report):
    path = str(Path(report["folder"]) / "huge.weights.h5")
    check_refused(report["huge-dataset-weights"], path, r"declares 3600000000 bytes but stores 0", "CheckpointError")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("config-bomb", r"entry 'config\.json': 21474\d+ bytes, more than the 16777216 allowed"),
        ("huge-dataset", r"entry 'model\.weights\.h5': dataset '\S+' declares 3600000000 bytes but stores 0"),
        ("no-config", r"Keras cannot load it \(\w+"),
        ("bad-class", r"Keras cannot load it \(\w+.*NoSuchLayer"),
        ("text", r"not a readable \.keras archive \(BadZipFile"),
    ],
)
@pytest.mark.parametrize("command", ["classify", "export"])
def test_a_broken_keras_model_is_one_line_naming_the_file(report, name, reason, command):
    row = report[f"{name}-{command}"]
    check_refused(row, str(Path(report["folder"]) / f"{name}.keras"), reason, "RuntimeError")
    assert row["printed"].count("\n") == 1, row["printed"]
    assert report["written"] == []


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]))))
