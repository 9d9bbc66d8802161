"""Images that cost memory or time, or are not images (issue 22, causes 4-7), each made here.

Extreme aspect ratios, RGBA and RGB pictures near Pillow's pixel limit, a training folder of two such
pictures decoded in parallel, a progressive JPEG of thousands of scans, PostScript named .jpg / .png and a
class folder nested deeper than Python's recursion limit. They run in one worker process (``hostile_harness``)
under an address-space limit; memory is compared with the picture's own size.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hostile_harness import GIB, check_refused, limit_address_space, measure, run_worker

SIDE = 9000  # 81 Mpx: under Pillow's limit of 89.5 Mpx
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto 10 10 lineto stroke\nshowpage\n"


def png_file(path: Path, width: int, height: int, colour_type: int, row: bytes) -> Path:
    """A PNG of ``height`` copies of ``row`` (8-bit samples), compressed as it is written."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj(6)
    line = b"\x00" + row
    rows_per_block = max(1, (1 << 22) // len(line))
    body = b"".join(
        packer.compress(line * min(rows_per_block, height - top)) for top in range(0, height, rows_per_block)
    )
    body += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def rgb_png(path: Path, width: int, height: int) -> Path:
    return png_file(path, width, height, 2, bytes(np.arange(width * 3, dtype=np.uint8)))


def rgba_png(path: Path, width: int, height: int) -> Path:
    pixels = np.zeros((width, 4), np.uint8)
    pixels[:, 0], pixels[:, 3] = 200, np.arange(width) % 256  # red, every transparency
    return png_file(path, width, height, 6, pixels.tobytes())


def rgba_webp(path: Path, width: int, height: int) -> Path:
    from PIL import Image

    row = np.zeros((1, width, 4), np.uint8)
    row[..., 0], row[..., 3] = 200, np.arange(width) % 256
    Image.fromarray(np.broadcast_to(row, (height, width, 4)).copy(), "RGBA").save(path, lossless=True, method=0)
    return path


def many_scans_jpeg(path: Path, repeats: int) -> Path:
    """A progressive JPEG whose last scan (with the tables before it) is repeated ``repeats`` times."""
    from PIL import Image

    buffer = io.BytesIO()
    picture = np.random.default_rng(0).integers(0, 256, (512, 512, 3), dtype=np.uint8)
    Image.fromarray(picture).save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    position, units, start, first = 2, [], None, None
    while data[position + 1] != 0xD9:  # walk the segments up to EOI
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if start is None and first is not None:
            start = position
        if marker == 0xDA:  # a scan: its header, then entropy-coded data up to the next marker
            first, start = (position, position) if first is None else (first, start)
            position = data.index(b"\xff", position + 2 + length)
            while data[position + 1] == 0 or 0xD0 <= data[position + 1] <= 0xD7:  # stuffed byte, restart marker
                position = data.index(b"\xff", position + 2)
            units.append(data[start:position])
            start = None
        else:
            position += 2 + length
    assert data[:first] + b"".join(units) + b"\xff\xd9" == data
    path.write_bytes(data[:first] + b"".join(units) + units[6] * repeats + b"\xff\xd9")  # a small refinement scan
    return path


def deep_folder(root: Path, depth: int) -> Path:
    """``root/a`` and ``root/b``, each with an image; under ``b`` a folder ``depth`` levels deep."""
    from PIL import Image

    for name in ("a", "b"):
        (root / name).mkdir(parents=True)
        Image.new("RGB", (8, 8)).save(root / name / "0.png")
    descriptor = os.open(root / "b", os.O_RDONLY)
    try:
        for _ in range(depth):  # relative steps: the whole path would pass PATH_MAX
            os.mkdir("d", dir_fd=descriptor)
            inner = os.open("d", os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    return root


def remove_deep_folder(root: Path) -> None:
    """Remove what :func:`deep_folder` made, level by level (``shutil.rmtree`` recurses: RecursionError)."""
    descriptors = [os.open(root / "b", os.O_RDONLY)]
    try:
        while "d" in os.listdir(descriptors[-1]):
            descriptors.append(os.open("d", os.O_RDONLY, dir_fd=descriptors[-1]))
        while len(descriptors) > 1:
            os.close(descriptors.pop())
            os.rmdir("d", dir_fd=descriptors[-1])
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    shutil.rmtree(root)


def build(folder: Path, deep: Path) -> None:
    rgb_png(folder / "tall.png", 1, 100_000)
    rgb_png(folder / "wide.png", 100_000, 1)
    rgba_png(folder / "rgba.png", SIDE, SIDE)
    rgba_webp(folder / "rgba.webp", SIDE, SIDE)
    rgb_png(folder / "rgb.png", SIDE, SIDE)
    for name in ("big_a", "big_b"):
        (folder / "pair" / name).mkdir(parents=True)
        rgb_png(folder / "pair" / name / "0.png", SIDE, SIDE)
    many_scans_jpeg(folder / "scans.jpg", 5000)
    (folder / "postscript.jpg").write_bytes(EPS)
    (folder / "postscript.png").write_bytes(EPS)
    deep_folder(deep, 1500)


def training_worker(folder: Path) -> dict:
    """A batch of the training pipeline, in a worker of its own: tf.data's threads reserve gigabytes of address
    space, so its limit is looser (the test compares resident memory)."""
    from keras_mv2.training import make_dataset, scan_image_folder

    limit_address_space(16 * GIB)
    pair = scan_image_folder(folder / "pair", check_images=False)
    return {"two-81mpx-training-batch": measure("batch", lambda: next(iter(make_dataset(pair, 32, 2, False))))}


def worker(folder: Path, deep: Path) -> dict:
    from keras_mv2.applications import eval_transform
    from keras_mv2.training import scan_image_folder
    from keras_mv2.training.data import _eval_resize
    from keras_mv2.utils import load_image

    limit_address_space()
    cases = {
        "tall-100000x1-eval": lambda: eval_transform(folder / "tall.png", 256),
        "wide-1x100000-eval": lambda: eval_transform(folder / "wide.png", 256),
        "tall-100000x1-training-eval": lambda: _eval_resize(np.zeros((100_000, 1, 3), np.float32), 256).numpy(),
        "rgba-81mpx-load": lambda: load_image(folder / "rgba.png"),
        "rgba-81mpx-webp-load": lambda: load_image(folder / "rgba.webp"),
        "rgb-81mpx-eval": lambda: eval_transform(folder / "rgb.png", 256),
        "rgb-81mpx-load": lambda: load_image(folder / "rgb.png"),
        "two-81mpx-scan": lambda: scan_image_folder(folder / "pair", workers=2),
        "jpeg-5000-scans": lambda: load_image(folder / "scans.jpg"),
        "postscript-as-jpg": lambda: load_image(folder / "postscript.jpg"),
        "postscript-as-png-eval": lambda: eval_transform(folder / "postscript.png", 32),
        "deep-folder-scan": lambda: scan_image_folder(deep),
    }
    return {name: measure(name, call) for name, call in cases.items()}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("images")
    # Outside pytest's folders: its clean-up of old ones (shutil.rmtree) would hit the recursion limit.
    deep = Path(tempfile.mkdtemp(prefix="keras-mv2-deep-"))
    try:
        build(folder, deep / "data")
        result = run_worker(__file__, folder, deep / "data")
        result.update(run_worker(__file__, folder))
        for name, row in result.items():
            print(f"{name:28s} {row['error'] or 'ACCEPTED':14s} {row['seconds']:6.2f} s {row['extra_mb']:7.1f} MB")
        yield {**result, "folder": str(folder), "deep": str(deep / "data")}
    finally:
        if (deep / "data").exists():
            remove_deep_folder(deep / "data")
        shutil.rmtree(deep)


MPX = SIDE * SIDE / 1e6


@pytest.mark.parametrize("name", ["tall-100000x1-eval", "wide-1x100000-eval", "tall-100000x1-training-eval"])
def test_an_extreme_aspect_ratio_is_resized_without_a_huge_canvas(report, name):
    """The 100000 x 1 picture made eval_transform ask for 33 GB: only the crop is resized now."""
    row = report[name]
    assert row["error"] is None, row
    assert row["extra_mb"] < 50, row


@pytest.mark.parametrize(
    ("name", "bytes_per_pixel"),
    [("rgba-81mpx-load", 9), ("rgba-81mpx-webp-load", 16), ("rgb-81mpx-load", 8), ("rgb-81mpx-eval", 8)],
)
def test_a_picture_near_the_pixel_limit_costs_a_few_bytes_per_pixel(report, name, bytes_per_pixel):
    """Pillow's 4 bytes a pixel, the 3 of the result and one copy at most (RGBA took 60 bytes a pixel); WebP
    also holds libwebp's decoded copy and Pillow's copy of that (1.4 GB at the limit, under the 1.5 GB)."""
    row = report[name]
    assert row["error"] is None, row
    assert row["extra_mb"] < bytes_per_pixel * MPX, row
    assert row["seconds"] < 20, row


def test_parallel_decoding_stays_within_one_pictures_memory(report):
    """Two pictures at the limit decoded by two threads cost what one does (2.7 GB before)."""
    row, single = report["two-81mpx-scan"], report["rgb-81mpx-load"]
    assert row["error"] is None, row
    assert row["extra_mb"] < 1.3 * single["extra_mb"], (row, single)


def test_the_training_pipeline_holds_decoded_pictures_as_bytes(report):
    """A batch of two 81 Mpx pictures: 2.1 GB when each was cast to float32 before its crop, 1 GB now."""
    row = report["two-81mpx-training-batch"]
    assert row["error"] is None, row
    assert row["extra_mb"] < 1536, row


def test_a_jpeg_of_thousands_of_scans_is_refused_before_decoding(report):
    path = str(Path(report["folder"]) / "scans.jpg")
    check_refused(report["jpeg-5000-scans"], path, r"5010 scans, more than the 100 a JPEG is allowed", "ValueError")
    assert report["jpeg-5000-scans"]["seconds"] < 1


@pytest.mark.parametrize(("name", "file"), [("postscript-as-jpg", "postscript.jpg"), ("postscript-as-png-eval",
                                                                                       "postscript.png")])  # fmt: skip
def test_postscript_is_never_handed_to_ghostscript(report, name, file):
    path = str(Path(report["folder"]) / file)
    check_refused(report[name], path, r"not a readable image: not a JPEG, PNG, BMP, GIF or WebP file", "ValueError")


def test_a_folder_nested_1500_deep_is_a_clear_error(report):
    path = str(Path(report["deep"]) / "b")
    check_refused(report["deep-folder-scan"], path, r"folders nested more than 32 deep", "DatasetError")


def test_the_training_evaluation_resize_is_unchanged_for_ordinary_pictures():
    """Resizing only the window under the crop gives the picture resizing all of it gave."""
    import tensorflow as tf

    from keras_mv2.training.data import _eval_resize

    rng = np.random.default_rng(0)
    for shape in ((480, 640), (640, 480), (256, 256), (97, 300)):
        image = tf.constant(rng.uniform(0, 255, (*shape, 3)).astype(np.float32))
        factor = 288 / min(shape)
        whole = tf.image.resize(image, [round(side * factor) for side in shape], method="bicubic")
        expected = tf.clip_by_value(tf.image.resize_with_crop_or_pad(whole, 256, 256), 0, 255)
        assert np.abs(_eval_resize(image, 256).numpy() - expected.numpy()).mean() < 0.5, shape


def test_the_builders_make_what_pillow_reads(tmp_path):
    from PIL import Image

    from keras_mv2.utils import load_image

    assert Image.open(rgba_png(tmp_path / "rgba.png", 300, 2)).mode == "RGBA"
    np.testing.assert_array_equal(load_image(rgb_png(tmp_path / "rgb.png", 4, 2))[1, :, 0], [0, 3, 6, 9])
    jpeg = many_scans_jpeg(tmp_path / "scans.jpg", 3)
    with Image.open(jpeg) as image:
        image.load()
        assert image.size == (512, 512)
    assert jpeg.read_bytes().count(b"\xff\xda") == 13


if __name__ == "__main__":
    arguments = [Path(argument) for argument in sys.argv[1:]]
    print(json.dumps(worker(*arguments) if len(arguments) == 2 else training_worker(*arguments)))
