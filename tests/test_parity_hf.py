"""Parity with Hugging Face transformers' MobileViTV2ForImageClassification (an independent PyTorch port)."""

from __future__ import annotations

import hashlib
import http.server
import math
import threading
import typing
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import SAMPLES
from transformers import MobileViTV2Config, MobileViTV2ForImageClassification

from keras_mv2.applications import MobileViTv2, eval_transform
from keras_mv2.weights import CheckpointError

CLASSES = 7


def healthy_random_hf_model(alpha: float, seed: int) -> MobileViTV2ForImageClassification:
    """A random HF model in eval mode whose every parameter and BN statistic influences the output.

    HF's own initialisation (std 0.02, identity norms, zero BN statistics) would make most of the
    network close to a no-op, so everything is redrawn with variance-preserving scales.
    """
    torch.manual_seed(seed)
    model = MobileViTV2ForImageClassification(MobileViTV2Config(width_multiplier=alpha, num_labels=CLASSES)).eval()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if not tensor.is_floating_point():
                continue
            if tensor.ndim > 1:  # conv and linear weights
                fan_in = math.prod(tensor.shape[1:])
                tensor.copy_(torch.randn(tensor.shape, generator=generator) / math.sqrt(fan_in))
            elif name.endswith("running_var") or name.endswith("weight"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:  # biases and running means
                tensor.copy_(0.1 * torch.randn(tensor.shape, generator=generator))
    return model


def sample_batch(height: int, width: int) -> np.ndarray:
    photos = [eval_transform(SAMPLES / name, (height, width)) for name in ("chelsea.jpg", "rocket.jpg")]
    return np.stack(photos)


# Only sides that are multiples of 64: where a block sees an odd size, Hugging Face's port resizes
# differently from ml-cvnets (logits differ by about 0.4 at 224x224), and we follow ml-cvnets, whose
# own outputs test_parity_cvnets.py checks at those sizes.
@pytest.mark.parametrize(
    ("alpha", "height", "width", "file_format"),
    [(0.5, 256, 256, "safetensors"), (0.75, 384, 384, "bin"), (1.0, 256, 256, "safetensors")],
)
def test_matches_hugging_face(tmp_path, alpha, height, width, file_format):
    hf_model = healthy_random_hf_model(alpha, seed=int(alpha * 100))
    if file_format == "safetensors":
        hf_model.save_pretrained(tmp_path, safe_serialization=True)
        weights = tmp_path  # the directory, as save_pretrained leaves it
        assert (tmp_path / "model.safetensors").is_file()
    else:
        weights = tmp_path / "pytorch_model.bin"
        torch.save(hf_model.state_dict(), weights)

    images = sample_batch(height, width)
    with torch.no_grad():
        expected = hf_model(pixel_values=torch.from_numpy(images.transpose(0, 3, 1, 2) / 255.0).float()).logits.numpy()
    assert np.abs(expected[0] - expected[1]).max() > 0.05, "the reference model ignores its input"

    model = MobileViTv2(
        alpha, weights=str(weights), classes=CLASSES, classifier_activation=None, input_shape=(height, width, 3)
    )
    logits = model.predict(images, verbose=0)
    assert np.abs(logits - expected).max() < 1e-4


class LocalHub(http.server.BaseHTTPRequestHandler):
    """The two Hub routes ``hf_hub_download`` uses: HEAD and GET of ``/<owner>/<repo>/resolve/<revision>/<file>``."""

    repositories: typing.ClassVar[dict[str, Path]] = {}
    requests: typing.ClassVar[list[str]] = []

    def log_message(self, *args):
        pass

    def _file(self) -> tuple[Path | None, str]:
        parts = self.path.split("?")[0].strip("/").split("/")
        folder = self.repositories.get("/".join(parts[:2])) if len(parts) == 5 and parts[2] == "resolve" else None
        if folder is None:
            return None, "RepositoryNotFound"
        return ((folder / parts[4]), "") if (folder / parts[4]).is_file() else (None, "EntryNotFound")

    def do_HEAD(self, body: bool = False):
        type(self).requests.append(f"{self.command} {self.path}")
        path, error = self._file()
        if path is None:
            self.send_response(404)
            self.send_header("X-Error-Code", error)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = path.read_bytes()
        self.send_response(200)
        self.send_header("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567")
        self.send_header("ETag", f'"{hashlib.sha256(data).hexdigest()}"')
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self.do_HEAD(body=True)


def test_hub_id_downloads_through_huggingface_hub(tmp_path, monkeypatch):
    hf_model = healthy_random_hf_model(0.5, seed=5)
    repository = tmp_path / "repository"
    repository.mkdir()
    torch.save(hf_model.state_dict(), repository / "pytorch_model.bin")  # no model.safetensors, as older uploads
    LocalHub.repositories = {"apple/mobilevitv2-0.5-test": repository}
    LocalHub.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LocalHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub-cache"))
    try:
        images = sample_batch(256, 256)
        with torch.no_grad():
            pixels = torch.from_numpy(images.transpose(0, 3, 1, 2) / 255.0).float()
            expected = hf_model(pixel_values=pixels).logits.numpy()
        hub_id = "hf://apple/mobilevitv2-0.5-test"
        model = MobileViTv2(0.5, weights=hub_id, classes=CLASSES, classifier_activation=None)
        assert np.abs(model.predict(images, verbose=0) - expected).max() < 1e-4
        downloads = [r for r in LocalHub.requests if r.startswith("GET")]
        assert downloads == ["GET /apple/mobilevitv2-0.5-test/resolve/main/pytorch_model.bin"]  # after a 404 for
        assert "HEAD /apple/mobilevitv2-0.5-test/resolve/main/model.safetensors" in LocalHub.requests  # safetensors
        MobileViTv2(0.5, weights=hub_id, classes=CLASSES)  # the second time from huggingface_hub's cache
        assert [r for r in LocalHub.requests if r.startswith("GET")] == downloads
        assert list((tmp_path / "hub-cache").glob("models--apple--mobilevitv2-0.5-test/snapshots/*/pytorch_model.bin"))

        with pytest.raises(CheckpointError, match=r"hf://apple/nothing-here: download failed \(.*404 Not Found"):
            MobileViTv2(0.5, weights="hf://apple/nothing-here")
        with pytest.raises(CheckpointError, match="expected hf://<owner>/<repository>"):
            MobileViTv2(0.5, weights="hf://no-owner")
    finally:
        server.shutdown()
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: a clear error, no hang
    with pytest.raises(CheckpointError, match=r"hf://apple/other: .*HF_ENDPOINT"):
        MobileViTv2(0.5, weights="hf://apple/other")
