"""Names taken from files cannot forge console output (issue 22, cause 10).

A file name, tensor name or label can hold newlines and ANSI escapes; printed raw, it can start a line
that looks like one of ours (``mv2 ...: error: ...``) or repaint the terminal.
"""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

FORGED = "\n\x1b[2K\x1b[32mmv2 train: error: none, all is well\x1b[0m"


def test_an_error_listing_file_names_cannot_start_a_line_of_ours(tmp_path, capsys):
    from keras_mv2.cli import main

    data = tmp_path / "data"
    for name in ("a", "b"):
        (data / name).mkdir(parents=True)
        for index in range(2):
            Image.new("RGB", (8, 8)).save(data / name / f"{index}.png")
    (data / "b" / f"bad{FORGED}.png").write_bytes(b"not a picture")
    assert main(["train", str(data), "--output-dir", str(tmp_path / "out"), "--alpha", "0.5", "--epochs", "1"]) == 2
    printed = capsys.readouterr().err
    assert "\x1b" not in printed and "\\x1b[2K" in printed
    lines = printed.rstrip("\n").split("\n")
    assert lines[0].startswith("mv2 train: error: ") and len(lines) > 1
    assert all(line.startswith("  ") for line in lines[1:]), lines  # the forged line is indented, never ours
    assert not (tmp_path / "out" / "run.json").exists()


def test_labels_from_a_model_are_printed_escaped(tmp_path, capsys):
    from test_hostile_inputs import tiny_tflite

    from keras_mv2.cli import main

    model = tiny_tflite(tmp_path / "labels.tflite", ["cat", "\x1b[2Jdog", "fox\x07"])
    Image.new("RGB", (20, 20), (90, 60, 30)).save(tmp_path / "photo.png")
    capsys.readouterr()  # the converter's chatter
    assert main(["classify", str(model), str(tmp_path / "photo.png")]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed
    assert {"cat", "\\x1b[2Jdog", "fox\\x07"} <= set(re.findall(r"^\s+\d\. (\S+)", printed, re.MULTILINE))
    assert Path(model).is_file()
