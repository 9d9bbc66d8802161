"""Running hostile cases in a worker process with time and memory limits (issue 22's test files share it).

A test file lists its cases; run as a script it becomes the worker: it runs every case in turn under an
address-space limit, measures each (seconds, peak resident memory above the level before it, from Linux's
VmHWM reset through /proc/self/clear_refs) and prints the results as one JSON line. A case that crashes the
worker (SIGSEGV) or hangs it fails the test naming that case, instead of taking pytest or the machine down.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

GIB = 1 << 30
MIB = 1 << 20
TIME_LIMIT_S = 20.0
MEMORY_LIMIT_MB = 1536.0


def status(field: str) -> int:
    """A Linux /proc/self/status figure in bytes (0 elsewhere)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def reset_peak() -> bool:
    """Reset the process's peak resident size (Linux); False where it cannot be."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def limit_address_space(extra: int = 2 * GIB) -> None:
    """At most ``extra`` more address space than now: a regression fails its case, not the shared machine."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = status("VmSize") + extra
    if limit > extra:  # the current size is known (Linux)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))


def measure(name: str, call: Callable[[], object]) -> dict:
    """Run ``call``; its exception type and message (or ``None``), seconds and extra peak memory in MB."""
    print(f"start {name}", file=sys.stderr, flush=True)
    gc.collect()
    per_case = reset_peak()
    before = status("VmRSS")
    start = time.perf_counter()
    try:
        call()
        outcome = {"error": None, "message": "accepted without error"}
    except MemoryError:
        outcome = {"error": "MemoryError", "message": traceback.format_exc()[-1500:]}
    except BaseException as error:  # recorded: the test decides which types are right
        outcome = {"error": type(error).__name__, "message": str(error), "traceback": traceback.format_exc()[-1500:]}
    seconds = time.perf_counter() - start
    extra = status("VmHWM") - before if per_case else 0
    return {**outcome, "seconds": seconds, "extra_mb": extra / MIB}


def run_worker(script: str, *arguments: Path, timeout: float = 600) -> dict:
    """Run ``script arguments...`` (a test file as its worker) and return the JSON it prints last."""
    root = str(Path(__file__).resolve().parents[1])  # this checkout's code, not an installed copy's
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(
            [sys.executable, script, *map(str, arguments)], capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired as expired:
        started = re.findall(r"^start (\S+)", (expired.stderr or b"").decode(errors="replace"), re.MULTILINE)
        pytest.fail(f"the worker hung; last case started: {started[-1] if started else 'none'}")
    if done.returncode != 0:
        started = re.findall(r"^start (\S+)", done.stderr, re.MULTILINE)
        pytest.fail(
            f"the worker died (exit code {done.returncode}) in case {started[-1] if started else 'none'}:\n"
            f"{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_refused(row: dict, path: str, reason: str, error: str | tuple[str, ...]) -> None:
    """One clear error of type ``error`` that names ``path`` first and gives ``reason``, within the limits."""
    errors = (error,) if isinstance(error, str) else error
    assert row["error"] in errors, row
    message = row["message"]
    assert message.startswith(path), message
    assert "\n" not in message, message
    assert re.search(reason, message), message
    assert row["seconds"] < TIME_LIMIT_S, row
    assert row["extra_mb"] < MEMORY_LIMIT_MB, row
