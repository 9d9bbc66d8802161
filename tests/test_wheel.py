"""The package as a user installs it: a wheel built from this tree, installed in a fresh virtual environment
outside the repository, its ``mv2`` commands run on the bundled photos.

The new environment has no editable install and no repository on its path. Its dependencies are borrowed
from the project's environment by one path line (installing TensorFlow again would take minutes and
gigabytes), so what is tested is the wheel's own content: modules, data files and the entry point.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import CVNETS, CVNETS_DENSE, ROOT, require_fixtures


def run(command: list[str], cwd: Path, env: dict, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of the fresh environment, a working folder outside the repository, its environment)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # only the files git knows: stale build/ output cannot reach the wheel
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    dist = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(source)],
        work, dict(os.environ))  # fmt: skip
    (wheel,) = dist.glob("keras_mv2-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for data in ("coco_classes.txt", "pascal_voc_classes.txt", "imagenet_classes.tsv", "samples/chelsea.jpg",
                 "web_demo/index.html", "web_demo/package.json"):  # fmt: skip
        assert any(name.endswith(data) for name in names), f"{data} is not in {wheel.name}"

    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, dict(os.environ))
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work,
                    dict(os.environ)).stdout.strip())  # fmt: skip
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(work / "home"), PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    # This project's pip installs into the fresh environment; it must not see the editable install beside
    # the borrowed dependencies, hence --ignore-installed.
    run([str(Path(sys.executable).parent / "pip"), "--python", str(python), "install", "-q", "--no-deps",
         "--ignore-installed", str(wheel)], work, env)  # fmt: skip
    return venv / "bin", work, env


def test_the_installed_package_is_the_wheel(installed):
    bin_folder, work, env = installed
    code = "import keras_mv2, edge, sys; print(keras_mv2.__file__); print(edge.__file__); print(sys.path)"
    out = run([str(bin_folder / "python"), "-c", code], work, env).stdout.splitlines()
    for path in out[:2]:
        assert path.startswith(str(bin_folder.parent)), path
    repository = [p for p in ast.literal_eval(out[2]) if p.startswith(str(ROOT)) and "/.venv/" not in p]
    assert repository == [], "the repository is on the installed package's path"


def test_export_classify_segment_detect_from_the_wheel(installed):
    require_fixtures()
    bin_folder, work, env = installed
    mv2 = str(bin_folder / "mv2")
    photo = run([str(bin_folder / "python"), "-c", "from keras_mv2.samples import sample_images as s; print(s()[1])"],
                work, env).stdout.strip()  # fmt: skip
    assert photo.startswith(str(bin_folder.parent)) and photo.endswith("chelsea.jpg")

    model = work / "m.tflite"
    exported = run([mv2, "export", str(model), "--alpha", "0.5", "--size", "64",
                    "--weights", str(CVNETS / "cvnets-mobilevitv2-0.5-random.pt")], work, env)  # fmt: skip
    assert json.loads(model.with_suffix(".json").read_text())["fidelity"]["images"] == 4  # the bundled photos
    assert "fidelity vs Keras" in exported.stdout

    classified = run([mv2, "classify", str(model), photo, "--top", "3"], work, env).stdout
    assert classified.count("  1. ") == 1 and "  3. " in classified

    mask = work / "mask.png"
    segmented = run([mv2, "segment", photo, "--output", str(mask), "--alpha", "0.5", "--size", "128",
                     "--weights", str(CVNETS_DENSE / "cvnets-deeplabv3-voc-mobilevitv2-0.5-random.pt")],
                    work, env).stdout  # fmt: skip
    assert mask.read_bytes()[:4] == b"\x89PNG"
    pascal = {"background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
              "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
              "tvmonitor"}  # fmt: skip
    listed = [line.split()[0] for line in segmented.splitlines()[1:]]
    assert listed and set(listed) <= pascal, segmented  # names from the wheel's pascal_voc_classes.txt

    boxes = work / "boxes.png"
    run([mv2, "detect", photo, "--output", str(boxes), "--alpha", "0.5", "--classes", "80",
         "--weights", str(CVNETS_DENSE / "cvnets-ssdlite-coco-mobilevitv2-0.5-random.pt")], work, env)  # fmt: skip
    assert boxes.read_bytes()[:4] == b"\x89PNG"

    detector = work / "det.tflite"  # 81 classes: the labels come from the wheel's coco_classes.txt
    run([mv2, "export-dense", "detection", str(detector), "--alpha", "0.5", "--size", "256"], work, env)
    assert json.loads(detector.with_suffix(".json").read_text())["task"] == "detection"


def test_the_web_demo_says_how_to_get_mediapipe_from_a_wheel(installed, tmp_path):
    bin_folder, work, env = installed
    model = tmp_path / "missing.tflite"
    result = subprocess.run([str(bin_folder / "mv2"), "serve-demo", str(model)], cwd=work, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 2
    assert "npm install --prefix" in result.stderr and "@mediapipe/tasks-vision@1.1.0" in result.stderr
