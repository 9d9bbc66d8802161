"""``mv2 serve-demo``: the web camera demo (``edge/web_demo``) and an exported model, served on localhost.

The page runs the model with MediaPipe Tasks' ``ImageClassifier`` (``@mediapipe/tasks-vision``, pinned in
``web_demo/package.json``); its wasm files are served from this machine, so the demo needs no CDN.
Browsers allow camera access on ``localhost`` without https.

The server answers on ``127.0.0.1`` only by default, serves nothing outside the page and MediaPipe's
package, closes a connection that sends nothing for ``IDLE_TIMEOUT`` seconds (each has a thread) and
answers a malformed path (a NUL or other control character, bad escapes) with a plain 400.

The npm package is not part of the Python package (it is npm's to install and update). It is looked
for, in order, under ``$KERAS_MV2_WEB_ASSETS``, beside the page in a checkout (``scripts/setup_env.sh web``
installs it there) and in ``~/.cache/keras_mv2/web``; :func:`check_web_assets` says how to install it.
"""

from __future__ import annotations

import json
import mimetypes
import os
import threading
import urllib.parse
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from edge.errors import EdgeError

WEB_DEMO = Path(__file__).resolve().parent / "web_demo"
WEB_ASSETS_ENV = "KERAS_MV2_WEB_ASSETS"
USER_WEB_ASSETS = Path.home() / ".cache" / "keras_mv2" / "web"
_TASKS_VISION = Path("node_modules") / "@mediapipe" / "tasks-vision"
_PAGE_FILES = {"/": "index.html", "/index.html": "index.html", "/app.js": "app.js", "/style.css": "style.css"}
_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css"}
IDLE_TIMEOUT = 30.0  # seconds a connection may wait between reads before it is closed


@dataclass(frozen=True)
class DemoModel:
    """The model file the page loads, with what the page shows about it."""

    data: bytes
    info: dict


def load_demo_model(path: str | Path) -> DemoModel:
    """Read a ``.tflite`` classifier and check that it carries the labels MediaPipe needs.

    Raises:
        EdgeError: no such file, not a LiteRT model, or no image-classifier metadata.
    """
    from edge.metadata import metadata_buffer, read_metadata
    from edge.predictor import check_classifier
    from edge.runtime import LiteRTModel

    path = Path(path)
    if not path.is_file():
        raise EdgeError(f"{path}: no such .tflite file (export one with `mv2 export {path.name}`)")
    data = path.read_bytes()
    runner = LiteRTModel.load(data, name=str(path))  # raises EdgeError for a file that is not a model
    check_classifier(runner, str(path))
    labels = read_metadata(data, str(path))["files"] if metadata_buffer(data, str(path)) is not None else {}
    if not labels:
        raise EdgeError(f"{path}: no image-classifier metadata with labels; export the model with `mv2 export`")
    classes = int(runner.output_details["shape"][-1])
    info = {"name": path.name, "input_size": list(runner.input_size), "classes": classes, "size_bytes": len(data)}
    return DemoModel(data, info)


def tasks_vision_version() -> str:
    """The pinned version of ``@mediapipe/tasks-vision`` (from the page's ``package.json``)."""
    return json.loads((WEB_DEMO / "package.json").read_text("utf-8"))["dependencies"]["@mediapipe/tasks-vision"]


def check_web_assets() -> Path:
    """The folder of MediaPipe's installed web package; fails, saying how to install it, when there is none."""
    roots = [Path(os.environ[WEB_ASSETS_ENV])] if os.environ.get(WEB_ASSETS_ENV) else []
    roots += [WEB_DEMO, USER_WEB_ASSETS]
    for root in roots:
        folder = root / _TASKS_VISION
        if (folder / "vision_bundle.mjs").is_file() and (folder / "wasm").is_dir():
            return folder
    raise EdgeError(
        f"MediaPipe's web package (@mediapipe/tasks-vision) is not installed; looked in "
        f"{', '.join(str(root / _TASKS_VISION) for root in roots)}. Install it (needs Node.js and npm) with\n"
        f"  npm install --prefix {USER_WEB_ASSETS} --no-save @mediapipe/tasks-vision@{tasks_vision_version()}\n"
        f"or set {WEB_ASSETS_ENV} to a folder holding it under node_modules/ (in a checkout: "
        "`bash scripts/setup_env.sh web`)."
    )


class _DemoHandler(BaseHTTPRequestHandler):
    server_version = "keras-mv2-demo"

    def __init__(self, *args, model: DemoModel, tasks_vision: Path, quiet: bool, idle_timeout: float, **kwargs):
        self.model = model
        self.tasks_vision = tasks_vision
        self.quiet = quiet
        self.timeout = idle_timeout  # socketserver sets it on the connection: a silent client is let go
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # the name http.server calls
        route = _route(self.path)
        if route is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed path")
        elif route in _PAGE_FILES:
            self._send_file(WEB_DEMO / _PAGE_FILES[route])
        elif route == "/model.tflite":
            self._send(self.model.data, "application/octet-stream")
        elif route == "/model-info.json":
            self._send(json.dumps(self.model.info).encode(), "application/json")
        elif route.startswith("/vendor/tasks-vision/"):
            relative = route.removeprefix("/vendor/tasks-vision/")
            try:
                target = (self.tasks_vision / relative).resolve()
                inside = self.tasks_vision.resolve() in target.parents and target.is_file()  # never outside
            except OSError:  # a name too long for the file system, a loop of links
                inside = False
            if inside:
                self._send_file(target)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _send_file(self, path: Path) -> None:
        content_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(path.read_bytes(), content_type)

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # the signature http.server uses
        if not self.quiet:
            super().log_message(format, *args)


def _route(path: str) -> str | None:
    """The request's path without query, percent-escapes decoded; None when malformed (NUL, control
    characters, backslashes, escapes that are not UTF-8)."""
    try:
        route = urllib.parse.unquote(path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if not route.startswith("/") or "\\" in route or any(ord(c) < 0x20 or ord(c) == 0x7F for c in route):
        return None
    return route


class _DemoServer(ThreadingHTTPServer):
    quiet = False

    def handle_error(self, request, client_address) -> None:  # socketserver's hook: one line, no traceback
        """A request that fails (a browser that hangs up mid-transfer, a dropped connection) is one log line."""
        import sys

        if not self.quiet:
            error = sys.exc_info()[1]
            print(f"serve-demo: {client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr)


def make_demo_server(
    model_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = False,
    idle_timeout: float = IDLE_TIMEOUT,
):
    """An HTTP server for the demo page and ``model_path`` (port 0 picks a free port: see ``server_address``);
    a connection idle for ``idle_timeout`` seconds is closed."""
    tasks_vision = check_web_assets()
    model = load_demo_model(model_path)
    handler = partial(_DemoHandler, model=model, tasks_vision=tasks_vision, quiet=quiet, idle_timeout=idle_timeout)
    try:
        server = _DemoServer((host, port), handler)
    except OSError as error:
        raise EdgeError(f"cannot listen on {host}:{port}: {error.strerror}; choose another --port") from None
    server.quiet = quiet
    return server


def serve_demo(model_path: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_demo_server(model_path, host, port)
    print(f"MobileViTv2 camera demo: http://{host}:{server.server_address[1]}/  (Ctrl-C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_background(
    model_path: str | Path, host: str = "127.0.0.1", port: int = 0, idle_timeout: float = IDLE_TIMEOUT
):
    """Start the server on a thread; returns ``(server, url)``. Call ``server.shutdown()`` to stop it."""
    server = make_demo_server(model_path, host, port, quiet=True, idle_timeout=idle_timeout)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/"
