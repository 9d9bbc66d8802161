"""Published checkpoints by name, served by a local HTTP mirror laid out like Apple's folders."""

from __future__ import annotations

import http.server
import shutil
import threading
import time
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


# --- Hostile mirrors (issue 15): a wrong file, a damaged cache, a trickle, a cut chunked reply, a killed download.


def test_a_wrong_file_from_a_mirror_is_not_cached_and_a_fixed_mirror_then_works(mirror, tmp_path):
    """The 0.75 checkpoint served as the 0.5 one was converted and cached for good (every later call failed
    on shapes and never downloaded again); now it is refused by its shapes and nothing is kept."""
    served = tmp_path / "mirror" / "imagenet1k" / "256x256" / "mobilevitv2-0.5.pt"
    shutil.copy(checkpoint("0.75"), served)
    with pytest.raises(CheckpointError, match=r"mobilevitv2-0\.5\.pt: not the published .*alpha=0\.75"):
        MobileViTv2(0.5, weights="imagenet1k-256")
    assert cache_entries(mirror) == []  # no converted file and no scratch folder
    shutil.copy(checkpoint("0.5"), served)  # the mirror is fixed
    reference = reference_io("0.5", "256x256")
    model = MobileViTv2(0.5, weights="imagenet1k-256", classifier_activation=None)
    np.testing.assert_allclose(model.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)
    assert cache_entries(mirror) == ["imagenet1k-256-mobilevitv2-0.5.npz"]


def test_a_damaged_or_wrong_cache_file_is_replaced(mirror):
    from keras_mv2.weights.download import cache_path
    from keras_mv2.weights.torch_reader import read_torch_checkpoint

    reference = reference_io("0.5", "256x256")
    cached = cache_path("imagenet1k-256", 0.5)
    cached.parent.mkdir(parents=True)
    wrong = read_torch_checkpoint(checkpoint("0.75"))
    for damage in (lambda: cached.write_bytes(b"PK\x03\x04 cut short"), lambda: np.savez(cached, **wrong)):
        damage()
        model = MobileViTv2(0.5, weights="imagenet1k-256", classifier_activation=None)
        np.testing.assert_allclose(model.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)
    assert len(MirrorHandler.requests) == 2  # downloaded again each time
    assert cache_entries(mirror) == ["imagenet1k-256-mobilevitv2-0.5.npz"]


class MisbehavingHandler(http.server.BaseHTTPRequestHandler):
    """``trickle``: announces 1 MB and sends a byte every 0.1 s; ``chunked-cut``: one chunk, then hangs up."""

    mode: typing.ClassVar[str] = "trickle"
    stop: typing.ClassVar[threading.Event] = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        if self.mode == "chunked-cut":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"64\r\n" + b"x" * 100 + b"\r\n")  # no closing zero-size chunk
            self.wfile.flush()
            self.connection.close()
            return
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        for _ in range(600):
            if self.stop.wait(0.1):
                return
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:  # the client went away
                return


@pytest.fixture
def misbehaving(tmp_path, monkeypatch):
    MisbehavingHandler.stop.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), MisbehavingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    monkeypatch.setenv("KERAS_MV2_WEIGHTS_URL", url)
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERAS_MV2_CACHE_DIR", str(cache))
    yield cache
    MisbehavingHandler.stop.set()
    server.shutdown()
    server.server_close()


def test_a_trickling_server_meets_the_overall_deadline(misbehaving, monkeypatch):
    """A byte every 0.1 s never trips the 60 s per-read timeout; the overall deadline stops it."""
    from keras_mv2.weights.download import fetch_published

    MisbehavingHandler.mode = "trickle"
    monkeypatch.setenv("KERAS_MV2_DOWNLOAD_TIMEOUT", "1")
    start = time.monotonic()
    with pytest.raises(CheckpointError, match=r"mobilevitv2-0\.5\.pt: download not finished after 1 s .*TIMEOUT"):
        fetch_published("imagenet1k-256", 0.5, progress=False)
    assert time.monotonic() - start < 5
    assert cache_entries(misbehaving) == []
    monkeypatch.setenv("KERAS_MV2_DOWNLOAD_TIMEOUT", "soon")
    with pytest.raises(CheckpointError, match="KERAS_MV2_DOWNLOAD_TIMEOUT='soon': expected a number of seconds"):
        fetch_published("imagenet1k-256", 0.5, progress=False)


def test_a_chunked_download_cut_short_is_a_checkpoint_error(misbehaving):
    """http.client's IncompleteRead is no OSError: it escaped as a traceback."""
    from keras_mv2.weights.download import fetch_published

    MisbehavingHandler.mode = "chunked-cut"
    with pytest.raises(CheckpointError, match=r"mobilevitv2-0\.5\.pt: download failed \(IncompleteRead"):
        fetch_published("imagenet1k-256", 0.5, progress=False)
    assert cache_entries(misbehaving) == []


def test_the_scratch_folder_of_a_killed_download_is_removed_later(misbehaving):
    """kill -9 during a download leaves its .download-* folder; a later download removes it once nothing
    has been written to it for longer than the deadline (a younger one may be a download still running)."""
    import os
    import signal
    import subprocess
    import sys

    from conftest import ROOT

    from keras_mv2.weights.download import fetch_published

    MisbehavingHandler.mode = "trickle"
    victim = subprocess.Popen(
        [sys.executable, "-c", "from keras_mv2.weights.download import fetch_published as f; "
         "f('imagenet1k-256', 0.5, progress=False)"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not list(misbehaving.glob(".download-*/checkpoint.pt")):
        assert victim.poll() is None and time.monotonic() < deadline, "the download never started"
        time.sleep(0.2)
    time.sleep(0.5)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    (killed,) = misbehaving.glob(".download-*")  # what used to accumulate, one per killed download
    running = misbehaving / ".download-of-a-live-process"
    running.mkdir()
    hour_ago = time.time() - 3600 - 61  # the default deadline, plus the read timeout
    for path in (killed, *killed.iterdir()):
        os.utime(path, (hour_ago, hour_ago))
    MisbehavingHandler.mode = "chunked-cut"  # any later download attempt cleans up, even one that fails
    with pytest.raises(CheckpointError):
        fetch_published("imagenet1k-256", 0.5, progress=False)
    assert cache_entries(misbehaving) == [running.name]
