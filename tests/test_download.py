"""Published checkpoints by name, served by a local HTTP mirror laid out like Apple's folders."""

from __future__ import annotations

import http.server
import shutil
import threading
import typing

import numpy as np
import pytest
from conftest import checkpoint, reference_io

from keras_mv2.applications import MobileViTv2
from keras_mv2.weights import CheckpointError, checkpoint_url


class MirrorHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; a file named *.pt.truncate is sent with its full length announced but cut short."""

    requests: typing.ClassVar[list[str]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).requests.append(self.path)
        local = self.translate_path(self.path)
        cut = local + ".truncate"
        try:
            data = open(cut, "rb").read()  # noqa: SIM115 - tiny test server
        except FileNotFoundError:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 3])
        self.wfile.flush()
        self.connection.close()


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    root = tmp_path / "mirror"
    folder = root / "imagenet1k" / "256x256"
    folder.mkdir(parents=True)
    shutil.copy(checkpoint("0.5"), folder / "mobilevitv2-0.5.pt")
    shutil.copy(checkpoint("0.75"), folder / "mobilevitv2-0.75.pt.truncate")
    (folder / "mobilevitv2-1.25.pt").write_bytes(b"<html>a captive portal, not a checkpoint</html>")
    MirrorHandler.requests = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: MirrorHandler(*a, directory=str(root), **k)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("KERAS_MV2_WEIGHTS_URL", f"http://127.0.0.1:{server.server_address[1]}/")
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERAS_MV2_CACHE_DIR", str(cache))
    yield cache
    server.shutdown()
    server.server_close()


def cache_entries(cache):
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_default_address_is_apples():
    import os

    del os.environ["KERAS_MV2_WEIGHTS_URL"]  # restored by monkeypatch after the test
    assert checkpoint_url("imagenet1k-384", 1.0) == (
        "https://docs-assets.developer.apple.com/ml-research/models/cvnets-v2/classification/mobilevitv2/"
        "imagenet1k/384x384/mobilevitv2-1.0.pt"
    )
    assert checkpoint_url("imagenet21k-ft1k-256", 2.0).endswith("imagenet21k_to_1k/256x256/mobilevitv2-2.0.pt")


def test_download_convert_cache_and_reuse(mirror):
    reference = reference_io("0.5", "256x256")
    model = MobileViTv2(0.5, weights="imagenet1k-256", classifier_activation=None)
    np.testing.assert_allclose(model.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)
    assert MirrorHandler.requests == ["/imagenet1k/256x256/mobilevitv2-0.5.pt"]
    assert cache_entries(mirror) == ["imagenet1k-256-mobilevitv2-0.5.npz"]

    again = MobileViTv2(0.5, weights="imagenet", classifier_activation=None)  # alias, now from the cache
    assert len(MirrorHandler.requests) == 1
    np.testing.assert_allclose(again.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)


def test_interrupted_download_leaves_nothing(mirror):
    with pytest.raises(CheckpointError, match=r"mobilevitv2-0\.75\.pt.*(incomplete|download failed)"):
        MobileViTv2(0.75, weights="imagenet1k-256")
    assert cache_entries(mirror) == []


def test_not_a_checkpoint_leaves_nothing(mirror):
    with pytest.raises(CheckpointError, match="not a PyTorch zip checkpoint"):
        MobileViTv2(1.25, weights="imagenet1k-256")
    assert cache_entries(mirror) == []


def test_missing_file_on_the_server(mirror):
    with pytest.raises(CheckpointError, match=r"mobilevitv2-1\.0\.pt: download failed.*404.*KERAS_MV2_WEIGHTS_URL"):
        MobileViTv2(1.0, weights="imagenet1k-256")
    assert cache_entries(mirror) == []


def test_unpublished_width_is_refused_before_any_download(mirror):
    with pytest.raises(CheckpointError, match=r"published for alpha in \[1\.5, 1\.75, 2\.0\]"):
        MobileViTv2(0.5, weights="imagenet21k-ft1k-256")
    with pytest.raises(CheckpointError, match=r"not for alpha=0\.6"):
        MobileViTv2(0.6, weights="imagenet1k-256")
    assert MirrorHandler.requests == []


def test_dense_checkpoints_by_name_through_a_mirror(tmp_path, monkeypatch):
    from conftest import CVNETS_DENSE

    from keras_mv2.applications import SSDLiteMobileViTv2

    root = tmp_path / "dense-mirror"
    folder = root / "detection" / "mobilevitv2"
    folder.mkdir(parents=True)
    shutil.copy(CVNETS_DENSE / "cvnets-ssdlite-coco-mobilevitv2-0.5-random.pt", folder / "coco-ssd-mobilevitv2-0.5.pt")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: MirrorHandler(*a, directory=str(root), **k)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("KERAS_MV2_DENSE_WEIGHTS_URL", f"http://127.0.0.1:{server.server_address[1]}/")
        model = SSDLiteMobileViTv2(0.5, classes=80, weights="coco-ssdlite", input_shape=(320, 320, 3))
        io = np.load(CVNETS_DENSE / "cvnets-ssdlite-coco-mobilevitv2-0.5-io-320x320.npz")
        outputs = model.predict(io["image_nchw_uint8"].transpose(0, 2, 3, 1).astype("float32"), verbose=0)
        assert (
            np.abs(outputs["box_regressions"] - io["box_regressions"]).max()
            < 1e-4 * np.abs(io["box_regressions"]).max()
        )
        cached = list((tmp_path / "weights-cache").glob("coco-ssdlite-mobilevitv2-0.5.npz"))
        assert len(cached) == 1  # converted once, no pickle kept
        with pytest.raises(CheckpointError, match=r"published for alpha in \[0\.5, .*2\.0\], not for alpha=0\.6"):
            SSDLiteMobileViTv2(0.6, weights="coco-ssdlite", input_shape=(320, 320, 3))
        with pytest.raises(CheckpointError, match="holds detection weights, the model is a segmentation model"):
            from keras_mv2.applications import DeepLabV3MobileViTv2

            DeepLabV3MobileViTv2(0.5, weights="coco-ssdlite", input_shape=(256, 256, 3))
    finally:
        server.shutdown()
