"""A quiet console: TensorFlow's, absl's and MediaPipe's start-up logs kept out of the user's way.

TensorFlow 2.21 logs through absl while it loads (oneDNN, CUDA probing, CPU features) before
``TF_CPP_MIN_LOG_LEVEL`` is consulted, so the native libraries are imported with file descriptor 2
captured. What they printed is kept (:data:`CAPTURED`): ``mv2 --verbose`` shows it, and it is shown with
the error if an import fails. ``KERAS_MV2_VERBOSE=1`` turns the capture off for any program.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator

VERBOSE_ENV = "KERAS_MV2_VERBOSE"
CAPTURED: list[str] = []  # what the native libraries printed while they were imported quietly
# Libraries whose Python warnings and log records are chatter to a user of the ``mv2`` command.
_NOISY = ("tensorflow", "keras", "absl", "tensorflow_lite_support", "ai_edge_litert", "mediapipe", "google")
# Native libraries that log while they load.
_NATIVE = ("tensorflow", "ai_edge_litert.interpreter")


@contextlib.contextmanager
def native_logs_captured() -> Iterator[None]:
    """Keep what native code writes to file descriptor 2 out of the console for the duration (into
    :data:`CAPTURED`); it is written out again if the block raises. A no-op with ``KERAS_MV2_VERBOSE=1``."""
    if os.environ.get(VERBOSE_ENV) == "1":
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        failed = True
        try:
            os.dup2(sink.fileno(), 2)
            yield
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            CAPTURED.append(sink.read().decode(errors="replace"))
            if failed:
                sys.stderr.write(CAPTURED[-1])


def quiet_native_logs() -> None:
    """Before TensorFlow is first imported: its C++ log level to errors-off (``TF_CPP_MIN_LOG_LEVEL=3``, which
    it reads once, when it loads), unless the variable is set or ``KERAS_MV2_VERBOSE=1``. The messages it
    prints while loading ignore that level: :func:`native_logs_captured` keeps those out."""
    if "tensorflow" not in sys.modules and os.environ.get(VERBOSE_ENV) != "1":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def quiet_tensorflow(verbose: bool = False) -> None:
    """Before TensorFlow is imported: its native start-up logs captured, absl, glog and the libraries' Python
    warnings silenced. Variables the user set are kept. ``verbose=True`` shows what was captured so far and
    silences nothing more."""
    if verbose:
        sys.stderr.write("".join(CAPTURED))
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
        try:
            with native_logs_captured():
                importlib.import_module(module)
        except ImportError:
            if module == "tensorflow":  # the LiteRT runtime is optional, TensorFlow is not
                raise


def printable(text: str, limit: int | None = 120) -> str:
    """``text`` read from a file, safe to print on one line: control characters (newlines, ANSI escapes)
    escaped as ``\\n``, ``\\x1b``; cut at ``limit`` characters."""
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return escaped if limit is None or len(escaped) <= limit else escaped[:limit] + "..."


def console_message(text: str) -> str:
    """An error message for the console: control characters escaped (newlines kept) and every later line
    indented, so no text taken from a file can pass for a line of ours (``mv2 ...: error: ...``)."""
    lines = [printable(line, None) for line in text.split("\n")]
    return "\n".join(lines[:1] + [line if line.startswith(" ") else "  " + line for line in lines[1:]])
