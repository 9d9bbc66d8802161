"""Training: a short real run learns, a killed run resumes, two workers equal one, bad data is refused."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from conftest import ROOT

from keras_mv2.training import DatasetError, Recipe, TrainConfig, recipe_for, scan_image_folder, train
from keras_mv2.training.datasets import write_digits


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    return write_digits(tmp_path_factory.mktemp("digits"), size=64, limit_per_class=40)


def short_config(data, output, **changes) -> TrainConfig:
    settings = dict(
        data=str(data), output_dir=str(output), alpha=0.5, image_size=64, batch_size=16, epochs=3,
        validation_fraction=0.2, recipe_overrides={"learning_rate": 3e-3, "mixup_alpha": 0.0, "cutmix_alpha": 0.0},
    )  # fmt: skip
    settings.update(changes)
    return TrainConfig(**settings)


def test_recipe_follows_the_reference_per_width():
    assert recipe_for(1.0).learning_rate == 0.0075 and recipe_for(1.0).weight_decay == 0.013
    assert recipe_for(2.0).weight_decay == 0.05 and recipe_for(0.55).learning_rate == 0.009  # nearest width
    short = Recipe().for_fine_tuning(epochs=2, batch_size=16, steps_per_epoch=50)
    assert short.warmup_steps == 10 and short.ema_momentum == pytest.approx(0.9)


def test_short_training_learns_and_writes_its_outputs(digits, tmp_path, capsys):
    summary = train(short_config(digits, tmp_path, augment=False, epochs=4), progress=0)
    losses = summary["history"]["loss"]
    assert losses[-1] < 0.9 * losses[0], losses
    assert summary["validation_accuracy"] > 0.2  # 10 classes: chance is 0.1
    assert (tmp_path / "model.keras").is_file() and len(list((tmp_path / "checkpoints").glob("*.h5"))) == 4
    assert list((tmp_path / "logs").rglob("events.out.tfevents.*"))  # TensorBoard
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.outputs[0].shape[-1] == 10
    from keras_mv2.cli import main

    assert main(["evaluate", str(tmp_path / "model.keras"), str(digits)]) == 0
    accuracy = float(capsys.readouterr().out.split("top-1 accuracy ")[1].split()[0])
    assert accuracy > 0.2


def test_a_killed_run_resumes_where_it_stopped(digits, tmp_path):
    command = [sys.executable, str(ROOT / "scripts" / "train.py"), str(digits), "--output-dir", str(tmp_path),
               "--alpha", "0.5", "--size", "64", "--batch-size", "16", "--epochs", "3", "--no-mix"]  # fmt: skip
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 400
    while not (tmp_path / "checkpoints" / "epoch_001.weights.h5").exists():
        assert first.poll() is None and time.monotonic() < deadline, "the first run ended before its first epoch"
        time.sleep(0.5)
    time.sleep(1.0)  # let the backup of epoch 1 land
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert not (tmp_path / "model.keras").exists()
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Epoch 1/3" not in second.stdout and "Epoch 2/3" in second.stdout  # resumed, not restarted
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert len(summary["history"]["loss"]) == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_workers_train_like_one_process(digits, tmp_path):
    """Two MultiWorkerMirroredStrategy workers on localhost, and MirroredStrategy over two devices in one
    process, against one process without a strategy; the same global batch of 16.

    20 steps of the paper's recipe (see tests/distributed_worker.py) in float64, at a learning rate of
    1e-3: the recipe's 0.009 is meant for a global batch of 1024, and at batch 16 it makes training
    chaotic (two single-process float64 runs that differ only in thread count end 2.5e-7 apart).
    This fails with Keras' own AdamW, which clips each worker's share of the gradient before summing
    them (loss 2.274 instead of 2.189): the trainer's optimiser clips the summed gradient.
    """
    ports = [free_port(), free_port()]
    overrides = json.dumps({"learning_rate": 1e-3})
    worker = str(ROOT / "tests" / "distributed_worker.py")
    processes = []
    for index in range(2):
        environment = dict(os.environ, TF_CONFIG=json.dumps({
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]}, "task": {"type": "worker", "index": index},
        }))  # fmt: skip
        processes.append(subprocess.Popen(
            [sys.executable, worker, str(digits), str(tmp_path / f"worker{index}"), "multi_worker", overrides],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
    single = subprocess.run(
        [sys.executable, worker, str(digits), str(tmp_path / "single"), "none", overrides],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    outputs = [p.communicate(timeout=900) for p in processes]
    for process, (_, error) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, error[-3000:]
    assert single.returncode == 0, single.stderr[-3000:]
    # MirroredStrategy on one machine: two replicas in one process (the CPU split into two devices).
    mirrored = subprocess.run(
        [sys.executable, worker, str(digits), str(tmp_path / "mirrored"), "mirrored", overrides],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert mirrored.returncode == 0, mirrored.stderr[-3000:]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    alone = json.loads(single.stdout.strip().splitlines()[-1])
    on_one_machine = json.loads(mirrored.stdout.strip().splitlines()[-1])
    assert [r["replicas"] for r in reports] == [2, 2] and on_one_machine["replicas"] == 2 and alone["replicas"] == 1
    assert alone["moved"] > 0.005  # a real learning rate: the weights moved (1e-11 at a learning rate of ~0)
    assert reports[0]["loss"] == pytest.approx(reports[1]["loss"], abs=1e-6)  # lockstep
    for report in (reports[0], on_one_machine):
        assert report["loss"] == pytest.approx(alone["loss"], rel=1e-5)  # Keras logs the loss mean in float32
    keras.config.set_dtype_policy("float64")
    try:
        weights = [
            keras.models.load_model(tmp_path / name / "model.keras").weights
            for name in ("worker0", "worker1", "mirrored", "single")
        ]
    finally:
        keras.config.set_dtype_policy("float32")
    for worker0, worker1, replicated, one in zip(*weights, strict=True):
        np.testing.assert_allclose(worker0, worker1, atol=1e-9, err_msg=worker0.path)  # the workers agree
        np.testing.assert_allclose(worker0, one, atol=1e-7, err_msg=worker0.path)  # and equal one process,
        np.testing.assert_allclose(replicated, one, atol=1e-7, err_msg=worker0.path)  # as mirrored replicas do


def test_bad_data_sets_are_refused(tmp_path):
    with pytest.raises(DatasetError, match="no such data folder"):
        scan_image_folder(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no class folders"):
        scan_image_folder(tmp_path / "empty")
    one = write_digits(tmp_path / "one", size=32, limit_per_class=2)
    for extra in [p for p in one.iterdir() if p.name != "3"]:
        for file in extra.iterdir():
            file.unlink()
        extra.rmdir()
    with pytest.raises(DatasetError, match="only one class"):
        scan_image_folder(one)
    broken = write_digits(tmp_path / "broken", size=32, limit_per_class=2)
    (broken / "7" / "0002.png").write_text("not a png")
    with pytest.raises(DatasetError, match=r"0002\.png: not a readable image"):
        scan_image_folder(broken)
    (broken / "7" / "0002.png").unlink()
    (broken / "8").mkdir(exist_ok=True)
    for file in (broken / "8").iterdir():
        file.unlink()
    with pytest.raises(DatasetError, match=r"8: no images"):
        scan_image_folder(broken)
    with pytest.raises(DatasetError, match=r"tfds:no_such_data_set \[train\]"):
        train(short_config("tfds:no_such_data_set", tmp_path / "out", tfds_data_dir=str(tmp_path / "tfds")))


def test_a_tfds_data_set_trains(tmp_path):
    """A TensorFlow Datasets builder (scikit-learn's digits as 8x8 grey scans), prepared into a local
    data directory, trained by name: the class names, split sizes and grey-to-RGB conversion come from TFDS."""
    import tensorflow_datasets as tfds
    from etils import epath
    from sklearn.datasets import load_digits

    class Mv2TestDigits(tfds.core.GeneratorBasedBuilder):
        VERSION = tfds.core.Version("1.0.0")
        pkg_dir_path = epath.Path(tmp_path)  # no README/CITATIONS files to read

        def _info(self):
            features = {
                "image": tfds.features.Image(shape=(8, 8, 1)),
                "label": tfds.features.ClassLabel(num_classes=10),
            }
            return self.dataset_info_from_configs(
                features=tfds.features.FeaturesDict(features), supervised_keys=("image", "label")
            )

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples(False), "validation": self._generate_examples(True)}

        def _generate_examples(self, held_out):
            digits = load_digits()
            for index, (image, label) in enumerate(zip(digits.images[:400], digits.target[:400], strict=True)):
                if (index % 5 == 0) == held_out:
                    yield index, {"image": np.uint8(image / 16 * 255)[..., None], "label": int(label)}

    Mv2TestDigits(data_dir=str(tmp_path / "tfds")).download_and_prepare()
    summary = train(
        short_config("tfds:mv2_test_digits", tmp_path / "out", tfds_data_dir=str(tmp_path / "tfds"), image_size=32)
    )
    assert summary["classes"] == [str(digit) for digit in range(10)]
    assert (summary["train_images"], summary["validation_images"]) == (320, 80)
    losses = summary["history"]["loss"]
    assert losses[-1] < 0.9 * losses[0], losses


def test_fine_tuning_starts_from_the_checkpoints_backbone():
    """``TrainConfig(weights=...)``: every backbone weight comes from the checkpoint, the head is new."""
    from conftest import checkpoint

    from keras_mv2.applications import MobileViTv2
    from keras_mv2.training import build_classifier

    model = build_classifier(0.5, 7, 64, str(checkpoint("0.5")))
    pretrained = MobileViTv2(0.5, weights=str(checkpoint("0.5")), input_shape=(64, 64, 3))
    compared = 0
    for layer in pretrained.layers:
        if layer.weights and layer.name != "classifier":
            for ours, theirs in zip(model.get_layer(layer.name).weights, layer.weights, strict=True):
                np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs), err_msg=ours.path)
                compared += 1
    assert compared > 100
    assert model.get_layer("classifier").kernel.shape[-1] == 7


def test_mixing_off_means_off_and_on_means_soft_labels(digits):
    """MixUp/CutMix with alpha 0 are off (Keras' own layers would still mix), and on they mix labels."""
    from dataclasses import replace

    from keras_mv2.training import make_dataset

    data = scan_image_folder(digits)
    plain = replace(recipe_for(0.5), randaugment=False, random_erasing=0.0, mixup_alpha=0.0, cutmix_alpha=0.0)
    cases = (
        (plain, False),
        (replace(plain, randaugment=True), False),  # per-image augmentation without mixing
        (replace(plain, cutmix_alpha=1.0), True),
        (replace(plain, mixup_alpha=0.2, cutmix_alpha=1.0), True),
    )
    for recipe, mixed in cases:
        labels = np.concatenate([y.numpy() for _, y in make_dataset(data, 32, 16, True, recipe, True, 0)])
        one_hot = np.isin(labels, (0.0, 1.0)).all(axis=1)
        assert one_hot.all() != mixed, (recipe, one_hot.mean())
