"""Hostile and broken input outside checkpoints (issue 15): images, training folders, output paths, serve-demo.

Every file is made by the test itself. Checkpoint files are in test_hostile_checkpoints.py, the download
cache in test_download.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import struct
import time
import zlib
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import CVNETS_DENSE, SAMPLES, checkpoint
from PIL import Image

from keras_mv2.applications import eval_transform, load_image
from keras_mv2.training import DatasetError, TrainConfig, make_dataset, scan_image_folder, train
from keras_mv2.training.run_folder import EpochBackup, RunFolderError, claim_output_folder
from keras_mv2.training.trainer import run_record

# ---------------------------------------------------------------------------------------------- images


def png(width: int, height: int, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG file written field by field (Pillow will not write some of the files these tests need)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def test_a_16_bit_png_classifies_like_its_8_bit_version(tmp_path):
    """Pillow's convert("RGB") clips 16-bit grey to white; the 16 bits must come down to their 8-bit value."""
    rng = np.random.default_rng(0)
    eight = np.clip(np.add.outer(np.arange(48) * 5, np.arange(64) * 2), 0, 255).astype(np.uint8)  # a ramp
    sixteen = eight.astype(np.uint16) * 256 + rng.integers(0, 256, eight.shape, dtype=np.uint16)  # + low byte
    Image.fromarray(eight).save(tmp_path / "eight.png")
    rows = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in sixteen.astype(np.uint16))
    (tmp_path / "sixteen.png").write_bytes(png(64, 48, 16, 0, rows))
    assert Image.open(tmp_path / "sixteen.png").mode.startswith("I;16")  # what made it white before
    reference = eval_transform(tmp_path / "eight.png", 32)
    for image in (tmp_path / "sixteen.png", Image.open(tmp_path / "sixteen.png")):  # a path, or a PIL image
        sixteen_bit = eval_transform(image, 32)
        assert np.abs(sixteen_bit - reference).max() <= 1, np.abs(sixteen_bit - reference).max()
    # The same for 16-bit RGB (Pillow reads those as their high byte itself).
    rgb_rows = b"".join(b"\x00" + np.repeat(row, 3).astype(">u2").tobytes() for row in sixteen.astype(np.uint16))
    (tmp_path / "sixteen_rgb.png").write_bytes(png(64, 48, 16, 2, rgb_rows))
    assert np.abs(eval_transform(tmp_path / "sixteen_rgb.png", 32) - reference).max() <= 1
    # An array of 16-bit values is refused rather than wrapped around (256 -> 0).
    with pytest.raises(ValueError, match=r"values in \[0, 255\]"):
        eval_transform(np.repeat(sixteen[..., None], 3, axis=-1), 32)


def test_alpha_palette_cmyk_and_exif_orientation(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0], rgba[:2, :, 3] = 200, 255  # top rows opaque, bottom rows transparent (storing black)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "rgba.png")
    np.testing.assert_array_equal(load_image(tmp_path / "rgba.png")[[0, 3], 0], [[200, 0, 0], [255, 255, 255]])
    Image.fromarray(rgba[..., [0, 3]], "LA").save(tmp_path / "la.png")
    np.testing.assert_array_equal(load_image(tmp_path / "la.png")[[0, 3], 0], [[200] * 3, [255] * 3])
    half = rgba.copy()
    half[..., 3] = 128  # about half transparent: red 200 * 128/255 + 255 * 127/255 = 227.4, the others 127
    Image.fromarray(half, "RGBA").save(tmp_path / "half.png")
    np.testing.assert_array_equal(load_image(tmp_path / "half.png")[0, 0], [227, 127, 127])
    palette = Image.new("P", (4, 4))
    palette.putpalette([0, 0, 0, 10, 20, 30])
    palette.putpixel((0, 0), 1)
    palette.save(tmp_path / "palette.gif", transparency=0)  # entry 0 transparent
    np.testing.assert_array_equal(load_image(tmp_path / "palette.gif")[0, :2], [[10, 20, 30], [255, 255, 255]])
    Image.new("CMYK", (4, 4), (255, 0, 0, 0)).save(tmp_path / "cyan.jpg")  # Adobe's inverted CMYK
    assert np.abs(load_image(tmp_path / "cyan.jpg")[0, 0].astype(int) - [0, 255, 255]).max() <= 2
    stored = Image.new("RGB", (60, 40))  # white top half as stored; EXIF 6: shown turned 90 degrees clockwise
    stored.paste((255, 255, 255), (0, 0, 60, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(tmp_path / "turned.jpg", exif=exif)
    shown = load_image(tmp_path / "turned.jpg")
    assert shown.shape == (60, 40, 3)
    assert shown[:, 25:].mean() > 240 and shown[:, :15].mean() < 15  # white on the right, as a viewer shows it


def bomb(tmp_path: Path, side: int) -> Path:
    """A valid 1-bit PNG of ``side`` x ``side`` black pixels: a few kB that decode to side^2 x 3 bytes."""
    rows = (b"\x00" + bytes((side + 7) // 8)) * side
    path = tmp_path / f"bomb-{side}.png"
    path.write_bytes(png(side, side, 1, 0, rows))
    return path


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's, before our refusal
def test_a_decompression_bomb_is_a_clear_error_everywhere(tmp_path):
    """10000^2 (above Pillow's limit, where it only warns and decodes 300 MB) and 20000^2 (where it raises
    its own DecompressionBombError): a ValueError naming the file, before any decoding."""
    for side in (10_000, 20_000):
        path = bomb(tmp_path, side)
        assert path.stat().st_size < 100_000
        start = time.perf_counter()
        for read in (load_image, lambda p: eval_transform(p, 32)):  # every command reads through these
            with pytest.raises(ValueError, match=rf"bomb-{side}\.png: refused as a possible decompression bomb"):
                read(path)
        assert time.perf_counter() - start < 2.0
    folder = tmp_path / "data"
    for name in ("a", "b"):
        (folder / name).mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(folder / name / "ok.png")
    shutil.copy(bomb(tmp_path, 10_000), folder / "b" / "bomb.png")
    with pytest.raises(DatasetError, match=r"b/bomb\.png: refused as a possible decompression bomb"):
        scan_image_folder(folder)


# ------------------------------------------------------------------------------------------ training data


def image_folder(root: Path, classes=("dark", "light"), per_class: int = 12, size: int = 32) -> Path:
    rng = np.random.default_rng(len(classes))
    for index, name in enumerate(classes):
        (root / name).mkdir(parents=True, exist_ok=True)
        for n in range(per_class):
            level = 40 + 170 * index / max(1, len(classes) - 1)
            pixels = np.clip(rng.normal(level, 20, (size, size, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / name / f"{n:03d}.jpg", quality=90)
    return root


def test_a_truncated_jpeg_in_a_training_folder_is_named_before_training(tmp_path):
    data = image_folder(tmp_path / "data")
    photo = io.BytesIO()
    Image.open(SAMPLES / "chelsea.jpg").save(photo, "JPEG")
    (data / "dark" / "003.jpg").write_bytes(photo.getvalue()[: len(photo.getvalue()) // 2])  # a cut download
    with Image.open(data / "dark" / "003.jpg") as image:
        image.verify()  # the header check of before passes it
    with pytest.raises(DatasetError, match=r"1 of 24 images cannot be read:\n  \S*dark/003\.jpg: not a readable"):
        scan_image_folder(data)
    config = TrainConfig(str(data), str(tmp_path / "out"), alpha=0.5, image_size=32, batch_size=8, epochs=1)
    with pytest.raises(DatasetError, match=r"dark/003\.jpg"):  # before the model is built (fit named no file)
        train(config, progress=0)
    assert not (tmp_path / "out" / "run.json").exists()
    kept = scan_image_folder(data, skip_unreadable=True)  # the user's other choice: leave it out, listed
    assert len(kept) == 23 and str(data / "dark" / "003.jpg") not in kept.files
    assert len(kept.skipped) == 1 and kept.skipped[0].startswith(str(data / "dark" / "003.jpg"))
    assert len(kept.split(0.25)[0].skipped) == 1  # the split parts keep the list for the run's summary


def test_a_class_folder_linked_into_the_tree_is_refused(tmp_path):
    data = image_folder(tmp_path / "data", per_class=2)
    os.symlink(data, data / "everything")  # would list every image again under one label
    with pytest.raises(DatasetError, match=r"everything: a link to .*inside \(or above\) the data folder"):
        scan_image_folder(data)
    (data / "everything").unlink()
    os.symlink(data / "dark", data / "also_dark")  # the same images under two labels
    with pytest.raises(DatasetError, match="also_dark: a link"):
        scan_image_folder(data)
    (data / "also_dark").unlink()
    outside = image_folder(tmp_path / "elsewhere", classes=("grey",), per_class=2)
    os.symlink(outside / "grey", data / "grey")  # a link out of the tree is a normal way to assemble data
    assert scan_image_folder(data).class_names == ["dark", "grey", "light"]


def test_the_training_pipeline_decodes_like_classify(tmp_path):
    """One decoder: an EXIF-turned photo reaches training upright, as classify sees it (TensorFlow's own
    decode_image ignores EXIF, and its JPEG decoding differs from Pillow's by up to 7 levels)."""
    data = image_folder(tmp_path / "data", per_class=1, size=16)
    stored = Image.new("RGB", (96, 64))
    stored.paste((255, 255, 255), (0, 0, 96, 32))
    exif = Image.Exif()
    exif[0x0112] = 6
    (data / "dark" / "000.jpg").unlink()
    stored.save(data / "dark" / "000.jpg", exif=exif)
    folder = scan_image_folder(data)
    images, _ = next(iter(make_dataset(folder, 32, 2, training=False)))
    expected = eval_transform(data / "dark" / "000.jpg", 32)
    assert np.abs(images[0].numpy() - expected).mean() < 10  # the same picture (resizers differ slightly)
    assert np.abs(images[0].numpy() - np.rot90(expected)).mean() > 60  # and not the picture as stored


def small_run(data: Path, output: Path, **changes) -> TrainConfig:
    settings = dict(
        data=str(data), output_dir=str(output), alpha=0.5, image_size=32, batch_size=8, epochs=2,
        validation_fraction=0.25, augment=False, recipe_overrides={"mixup_alpha": 0.0, "cutmix_alpha": 0.0},
    )  # fmt: skip
    settings.update(changes)
    return TrainConfig(**settings)


def test_an_output_folder_refuses_another_runs_backup(tmp_path):
    """The issue's case: a folder reused for another data set silently resumed the other run's backup
    (a 3-epoch run "finished" in one epoch, on the other run's weights)."""
    first = image_folder(tmp_path / "first", per_class=4)
    second = image_folder(tmp_path / "second", classes=("cat", "dog", "fox"), per_class=4)
    output = tmp_path / "out"
    # What a run on `first` killed after its first epoch leaves (its record and backup) ...
    claim_output_folder(output, run_record(small_run(first, output), ["dark", "light"]), restart=False)
    (output / "backup").mkdir()
    (output / "backup" / "state.json").write_text('{"epoch": 1, "weights": "epoch-0001.weights.h5"}')
    # ... is refused, before any model is built, for other data or another model.
    with pytest.raises(RunFolderError, match=r"holds another run: class_names \['dark', 'light'\], now \['cat'"):
        train(small_run(second, output), progress=0)
    with pytest.raises(RunFolderError, match=r"alpha 0\.5, now 0\.75.*--restart"):
        train(small_run(first, output, alpha=0.75), progress=0)
    assert (output / "backup" / "state.json").is_file()  # refusing touched nothing
    # A backup without a record (another tool's, or an older version's) is not trusted either.
    (output / "run.json").unlink()
    with pytest.raises(RunFolderError, match=r"a backup .* but no run\.json"):
        train(small_run(first, output), progress=0)
    # Asked to restart: the backup and per-epoch checkpoints go, the record is the new run's.
    (output / "checkpoints").mkdir()
    (output / "checkpoints" / "epoch_001.weights.h5").write_bytes(b"old")
    claim_output_folder(output, run_record(small_run(second, output), ["cat", "dog", "fox"]), restart=True)
    assert not (output / "backup").exists() and not list((output / "checkpoints").iterdir())
    assert json.loads((output / "run.json").read_text())["class_names"] == ["cat", "dog", "fox"]


class ProcessKilledError(Exception):
    """Stands for the process being killed at that point."""


def test_a_kill_while_the_backup_is_written_leaves_the_previous_one(tmp_path, monkeypatch):
    """Killed half-way through writing epoch 2's backup: the next run resumes from epoch 1's.

    (Keras' BackupAndRestore rewrote latest.weights.h5 in place: such a kill left a file h5py cannot
    open, and every later run in the folder failed. train() restoring from this backup and passing
    initial_epoch is tested by test_training.py's SIGKILL test.)"""

    def tiny() -> keras.Model:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(keras.optimizers.AdamW(0.1), "mse")
        return model

    x, y = np.random.default_rng(0).normal(size=(16, 4)), np.ones((16, 3))
    folder = tmp_path / "backup"
    first = tiny()
    first.fit(x, y, epochs=1, verbose=0, callbacks=[EpochBackup(folder)])
    after_epoch_1 = [w.numpy().copy() for w in first.weights + first.optimizer.variables]
    original = keras.Model.save_weights

    def half_written(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as file:
            file.truncate(os.path.getsize(filepath) // 2)
        raise ProcessKilledError

    second = tiny()
    backup = EpochBackup(folder)
    assert backup.restore(second) == 1
    with monkeypatch.context() as patch:
        patch.setattr(keras.Model, "save_weights", half_written)
        with pytest.raises(ProcessKilledError):
            second.fit(x, y, epochs=2, initial_epoch=1, verbose=0, callbacks=[backup])
    assert (folder / "epoch-0002.weights.h5").is_file()  # the half-written file is there, but not named
    third = tiny()
    assert EpochBackup(folder).restore(third) == 1
    for restored, saved in zip(third.weights + third.optimizer.variables, after_epoch_1, strict=True):
        np.testing.assert_array_equal(restored.numpy(), saved, err_msg=restored.path)
    third.fit(x, y, epochs=2, initial_epoch=1, verbose=0, callbacks=[EpochBackup(folder)])
    assert sorted(p.name for p in folder.iterdir()) == ["epoch-0002.weights.h5", "state.json"]
    assert json.loads((folder / "state.json").read_text())["epoch"] == 2
    (folder / "state.json").write_text("{")  # damaged by hand: a clear error, not an h5py traceback
    with pytest.raises(RunFolderError, match=r"state\.json: not a backup record .*--restart"):
        EpochBackup(folder).restore(tiny())


# ------------------------------------------------------------------------------------------- output paths


def test_segment_refuses_to_write_over_its_input_photo(tmp_path, capsys):
    from keras_mv2.cli import main

    photo = tmp_path / "photo.jpg"
    shutil.copy(SAMPLES / "chelsea.jpg", photo)
    before = photo.read_bytes()
    weights = str(CVNETS_DENSE / "cvnets-deeplabv3-voc-mobilevitv2-0.5-random.pt")
    for output in (str(photo), str(tmp_path / "." / "photo.jpg")):  # the same file under another spelling
        code = main(["segment", str(photo), "--output", output, "--alpha", "0.5", "--weights", weights])
        assert code == 2
        assert "would overwrite the input photo" in capsys.readouterr().err
    assert photo.read_bytes() == before


class NoWorkAllowedError(AssertionError):
    pass


def test_an_unwritable_destination_fails_before_any_conversion(tmp_path, monkeypatch, capsys):
    """convert-weights and export check where they write first (the issue: a PermissionError or
    FileExistsError traceback, only after the whole conversion had run)."""
    import edge.workflows
    import keras_mv2.applications.checkpoints as checkpoints
    from keras_mv2.applications import convert_checkpoint
    from keras_mv2.cli import main

    def no_work(*args, **kwargs):
        raise NoWorkAllowedError("the checkpoint was read or the model built before the destination was checked")

    monkeypatch.setattr(checkpoints, "read_state_dict", no_work)
    monkeypatch.setattr(edge.workflows, "classifier_model", no_work)
    (tmp_path / "a_folder.weights.h5").mkdir()
    (tmp_path / "a_file").write_text("")
    source = str(checkpoint("0.5"))
    cases = [
        (tmp_path / "a_folder.weights.h5", "is a folder"),
        (tmp_path / "a_file" / "out.weights.h5", "a_file is a file"),
    ]
    if os.geteuid() != 0:  # root may write anywhere: a read-only folder stops only other users
        (tmp_path / "read_only").mkdir(mode=0o500)
        cases.append((tmp_path / "read_only" / "out.weights.h5", "permission denied"))
    for output, reason in cases:
        with pytest.raises(ValueError, match=reason):
            convert_checkpoint(source, output)
    own = tmp_path / "own.weights.h5"
    own.write_bytes(b"a Keras weights file")
    with pytest.raises(ValueError, match="would overwrite the checkpoint"):
        convert_checkpoint(own, own)
    (tmp_path / "a_folder.tflite").mkdir()
    for output in (tmp_path / "a_folder.tflite", tmp_path / "a_file" / "model.tflite"):
        assert main(["export", str(output), "--alpha", "0.5", "--weights", source, "--size", "64"]) == 2
        assert "cannot write there" in capsys.readouterr().err


def test_new_files_get_the_users_umask(tmp_path):
    """Every output was mode 0600 (mkstemp) whatever the umask, and an overwritten 0644 file became 0600."""
    from keras_mv2.utils import write_atomically

    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.png", b"x")
        assert (tmp_path / "new.png").stat().st_mode & 0o777 == 0o644
        (tmp_path / "shared.png").write_bytes(b"old")
        os.chmod(tmp_path / "shared.png", 0o644)
        write_atomically(tmp_path / "shared.png", b"new")
        assert (tmp_path / "shared.png").stat().st_mode & 0o777 == 0o644
        os.umask(0o077)  # a private umask is kept too
        write_atomically(tmp_path / "private.png", b"x")
        assert (tmp_path / "private.png").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(previous)


# ------------------------------------------------------------------------------------------------- edge


def tiny_tflite(path: Path, labels: list[str] | None = None) -> Path:
    import tensorflow as tf

    from edge.metadata import add_classifier_metadata

    inputs = keras.Input((16, 16, 3))
    outputs = keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(inputs))
    flatbuffer = tf.lite.TFLiteConverter.from_keras_model(keras.Model(inputs, outputs)).convert()
    path.write_bytes(add_classifier_metadata(flatbuffer, labels) if labels else flatbuffer)
    return path


def test_classify_without_metadata_names_classes_by_number(tmp_path, capsys):
    from keras_mv2.cli import main

    model = tiny_tflite(tmp_path / "bare.tflite")
    capsys.readouterr()  # the converter's own chatter
    assert main(["classify", str(model), str(SAMPLES / "chelsea.jpg"), "--top", "3"]) == 0
    ranked = re.findall(r"^\s+\d\. (\S+)", capsys.readouterr().out, re.MULTILINE)
    assert sorted(ranked) == ["class_0", "class_1", "class_2"]


def test_a_bad_model_is_named_by_its_file(tmp_path):
    from edge.errors import EdgeError
    from edge.runtime import LiteRTModel
    from edge.serve import load_demo_model

    bad = tmp_path / "not_a_model.tflite"
    bad.write_bytes(b"TFL3 but not really a flatbuffer" * 8)
    with pytest.raises(EdgeError, match="^" + re.escape(f"{bad}: LiteRT cannot load it")):
        load_demo_model(bad)
    with pytest.raises(EdgeError, match=r"^the model given as bytes: LiteRT cannot load it"):
        LiteRTModel.load(bad.read_bytes())


@pytest.fixture
def demo_server(tmp_path, monkeypatch):
    from edge.serve import serve_in_background

    assets = tmp_path / "assets" / "node_modules" / "@mediapipe" / "tasks-vision"
    (assets / "wasm").mkdir(parents=True)
    (assets / "vision_bundle.mjs").write_text("export {};")
    monkeypatch.setenv("KERAS_MV2_WEB_ASSETS", str(tmp_path / "assets"))
    model = tiny_tflite(tmp_path / "demo.tflite", ["a", "b", "c"])
    server, _ = serve_in_background(model, idle_timeout=0.5)
    yield server.server_address
    server.shutdown()
    server.server_close()


def ask(address, request: bytes, wait: float = 5.0) -> bytes:
    with socket.create_connection(address, timeout=wait) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return reply


def test_serve_demo_drops_idle_connections_and_answers_malformed_paths_with_400(demo_server, capfd):
    served = ask(demo_server, b"GET /vendor/tasks-vision/vision_bundle.mjs HTTP/1.0\r\n\r\n")
    assert served.startswith(b"HTTP/1.0 200") and served.endswith(b"export {};")
    start = time.perf_counter()
    with socket.create_connection(demo_server, timeout=5.0) as idle:  # connects and says nothing
        assert idle.recv(1) == b""  # closed by the server (a timeout here raises instead)
    assert time.perf_counter() - start < 3.0
    for path in (b"/vendor/tasks-vision/a\x00b", b"/vendor/tasks-vision/a%00b", b"/%ff%fe", b"/a\\..\\b"):
        assert ask(demo_server, b"GET " + path + b" HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 400"), path
    for path in (b"/vendor/tasks-vision/" + b"x" * 5000, b"/vendor/tasks-vision/%2e%2e/%2e%2e/demo.tflite"):
        assert ask(demo_server, b"GET " + path + b" HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 404"), path
    assert ask(demo_server, b"GET /model-info.json HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_serve_demo_logs_no_traceback_when_a_browser_hangs_up(demo_server, monkeypatch, capfd):
    import edge.serve

    def hung_up(self, path):
        raise ConnectionResetError("the browser closed the connection mid-transfer")

    monkeypatch.setattr(edge.serve._DemoHandler, "_send_file", hung_up)
    assert ask(demo_server, b"GET / HTTP/1.0\r\n\r\n") == b""
    assert ask(demo_server, b"GET /model-info.json HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200")  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_png_helper_writes_what_pillow_reads():
    """The hand-made PNGs above are real PNGs: Pillow decodes a small one to the pixels written."""
    rows = b"".join(b"\x00" + bytes([0b10100000]) for _ in range(2))
    image = Image.open(io.BytesIO(png(3, 2, 1, 0, rows)))
    np.testing.assert_array_equal(np.asarray(image.convert("L")), [[255, 0, 255], [255, 0, 255]])
