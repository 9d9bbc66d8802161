"""A quiet console: TensorFlow's, absl's and MediaPipe's start-up logs off, set before any of them is imported."""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator

# Libraries whose Python warnings and log records are chatter to a user of the ``mv2`` command.
_NOISY = ("tensorflow", "keras", "absl", "tensorflow_lite_support", "ai_edge_litert", "mediapipe", "google")
# Native libraries that log through absl while they load (oneDNN, CUDA probing, CPU features).
_NATIVE = ("tensorflow", "ai_edge_litert.interpreter")


@contextlib.contextmanager
def stderr_captured() -> Iterator[tempfile.TemporaryFile]:
    """Send file descriptor 2 (where native code logs) to a temporary file for the duration."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        try:
            os.dup2(sink.fileno(), 2)
            yield sink
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def quiet_tensorflow(verbose: bool = False) -> None:
    """Silence TensorFlow's native start-up logs, absl, glog and the libraries' Python warnings.

    TensorFlow 2.21 logs through absl before ``TF_CPP_MIN_LOG_LEVEL`` is consulted, so the native
    libraries are imported here with file descriptor 2 captured; if an import fails, what it printed is
    shown with the error. Variables the user set are kept. ``verbose=True`` changes nothing.
    """
    if verbose:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=rf"({'|'.join(_NOISY)})(\.|$)")
    for module in _NATIVE:
        if module.split(".")[0] in sys.modules:
            continue
        error = None
        with stderr_captured() as sink:
            try:
                importlib.import_module(module)
            except ImportError as caught:
                error = caught
            sink.seek(0)
            printed = sink.read().decode(errors="replace")
        if error is not None and module == "tensorflow":  # the LiteRT runtime is optional, TensorFlow is not
            sys.stderr.write(printed)
            raise error
