"""Bad checkpoints: each gets a CheckpointError that says what and where, and nothing is half-loaded."""

from __future__ import annotations

import io
import pickle
import shutil
import zipfile

import numpy as np
import pytest
import torch
from conftest import checkpoint

from keras_mv2.applications import MobileViTv2
from keras_mv2.weights import CheckpointError, load_weights, read_torch_checkpoint


def fixture_state(alpha: str = "0.5") -> dict[str, torch.Tensor]:
    return torch.load(checkpoint(alpha), weights_only=True)


def saved(tmp_path, state, name="ckpt.pt"):
    path = tmp_path / name
    torch.save(state, path)
    return str(path)


def weights_of(model) -> list[np.ndarray]:
    return [np.array(v) for v in model.weights]


@pytest.fixture(scope="module")
def model_05():
    return MobileViTv2(0.5, classifier_activation=None)


def assert_untouched_after(model, bad_weights, match):
    before = weights_of(model)
    with pytest.raises(CheckpointError, match=match):
        load_weights(model, bad_weights)
    for old, new in zip(before, weights_of(model), strict=True):
        np.testing.assert_array_equal(old, new)


def test_reader_matches_torch_load():
    ours = read_torch_checkpoint(checkpoint("0.5"))
    theirs = fixture_state()
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        np.testing.assert_array_equal(ours[key], value.numpy())
        assert ours[key].dtype == value.numpy().dtype


def test_reader_handles_views_and_dtypes(tmp_path):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    state = {
        "transposed": base.t(),  # non-contiguous strides
        "sliced": base[1:3, 2:],  # storage offset
        "half": base.half(),
        "bf16": base.to(torch.bfloat16),
        "long": torch.tensor(7),
    }
    ours = read_torch_checkpoint(saved(tmp_path, state))
    for key, value in state.items():
        np.testing.assert_array_equal(ours[key], value.float().numpy() if key == "bf16" else value.numpy())


def test_other_width_is_named(model_05):
    assert_untouched_after(model_05, str(checkpoint("1.0")), r"alpha=1\.0, the model is alpha=0\.5")


def test_other_class_count_is_named():
    model = MobileViTv2(0.5, classes=10)
    assert_untouched_after(model, str(checkpoint("0.5")), r"1000 classes, the model 10.*include_top=False")


def test_missing_key_is_named(tmp_path, model_05):
    state = fixture_state()
    del state["layer_4.1.global_rep.2.pre_norm_ffn.0.bias"]
    assert_untouched_after(
        model_05, saved(tmp_path, state), r"missing.*layer_4\.1\.global_rep\.2\.pre_norm_ffn\.0\.bias"
    )


def test_extra_key_is_named(tmp_path, model_05):
    state = fixture_state()
    state["layer_6.0.block.conv.weight"] = torch.zeros(3)
    assert_untouched_after(model_05, saved(tmp_path, state), r"unexpected.*layer_6\.0\.block\.conv\.weight")


def test_wrong_shape_is_named(tmp_path, model_05):
    state = fixture_state()
    state["layer_3.1.conv_proj.block.conv.weight"] = torch.zeros(128, 64, 3, 3)
    assert_untouched_after(
        model_05, saved(tmp_path, state), r"layer_3\.1\.conv_proj\.block\.conv\.weight.*\(3, 3, 64, 128\)"
    )


def test_truncated_file(tmp_path, model_05):
    data = checkpoint("0.5").read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    assert_untouched_after(model_05, str(tmp_path / "cut.pt"), r"cut\.pt.*(truncated|corrupt)")


def test_corrupt_tensor_data(tmp_path, model_05):
    """A storage shorter than its tensors claim (a damaged archive member)."""
    source = zipfile.ZipFile(checkpoint("0.5"))
    with zipfile.ZipFile(tmp_path / "bad.pt", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:10] if item.filename.endswith("/data/0") else data)
    assert_untouched_after(model_05, str(tmp_path / "bad.pt"), r"bad\.pt.*data/0.*truncated")


def test_not_a_checkpoint(tmp_path, model_05):
    (tmp_path / "photo.pt").write_bytes(b"\xff\xd8\xff\xe0 not a zip at all")
    assert_untouched_after(model_05, str(tmp_path / "photo.pt"), "not a PyTorch zip checkpoint")


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (shutil.copy, (__file__, self.marker))


@pytest.mark.parametrize("payload", ["reduce", "builtins"])
def test_crafted_pickle_is_refused_and_never_runs(tmp_path, model_05, payload):
    marker = tmp_path / "pwned"
    if payload == "reduce":
        data = pickle.dumps({"conv_1.block.conv.weight": _RunsCode(str(marker))}, protocol=2)
    else:
        data = b"cbuiltins\nexec\n(V" + f"open({str(marker)!r}, 'w')".encode() + b"\ntR."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil/data.pkl", data)
        archive.writestr("evil/version", "3\n")
    (tmp_path / "evil.pt").write_bytes(buffer.getvalue())
    assert_untouched_after(model_05, str(tmp_path / "evil.pt"), r"refused.*(shutil\.copy|builtins\.exec).*Nothing")
    assert not marker.exists()


def test_keras_weights_of_other_width_restore_the_model(tmp_path, model_05):
    MobileViTv2(1.0, classifier_activation=None).save_weights(tmp_path / "w1.weights.h5")
    assert_untouched_after(model_05, str(tmp_path / "w1.weights.h5"), r"w1\.weights\.h5")


def test_unknown_name_or_path(model_05):
    with pytest.raises(CheckpointError, match=r"no such file.*imagenet1k-256"):
        load_weights(model_05, "imagenet-2k")


def test_hugging_face_directory_without_weights(tmp_path, model_05):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(CheckpointError, match=r"model\.safetensors"):
        load_weights(model_05, str(tmp_path))


def test_corrupt_safetensors(tmp_path, model_05):
    (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{broken json}")
    assert_untouched_after(model_05, str(tmp_path / "model.safetensors"), "corrupt safetensors")


def test_backbone_ignores_the_classifier():
    model = MobileViTv2(0.5, include_top=False, weights=str(checkpoint("0.5")))
    assert model.output.shape[-1] == 256


def test_failed_constructor_returns_no_model():
    with pytest.raises(CheckpointError):
        MobileViTv2(1.0, weights=str(checkpoint("0.5")))
