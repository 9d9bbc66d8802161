"""Run LiteRT models with ``ai-edge-litert``'s interpreter and a chosen delegate."""

from __future__ import annotations

import platform
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge.errors import EdgeError
from keras_mv2.utils.console import native_logs_captured

DELEGATES = ("xnnpack", "cpu", "reference", "gpu", "nnapi", "edgetpu")
# The CPU kernel sets an int8 export is checked on: LiteRT's default (XNNPACK) and its builtin kernels.
KERNEL_SETS = ("xnnpack", "cpu")
# Shared libraries of the optional delegates, tried in order.
_GPU_LIBRARIES = ("libtensorflowlite_gpu_delegate.so", "libLiteRtGpuAccelerator.so")
_EDGETPU_LIBRARIES = {"Linux": "libedgetpu.so.1", "Darwin": "libedgetpu.1.dylib", "Windows": "edgetpu.dll"}
# The largest input a model may declare (a 4096 x 4096 RGB float32 image takes 192 MiB).
MAX_INPUT_BYTES = 256 << 20


def make_interpreter(
    model: str | Path | bytes,
    delegate: str = "xnnpack",
    threads: int = 2,
    keep_all_tensors: bool = False,
    name: str | None = None,
):
    """An allocated ``ai_edge_litert.interpreter.Interpreter``.

    Args:
        model: a ``.tflite`` path or the flatbuffer's bytes.
        delegate: ``xnnpack`` (LiteRT's default CPU path), ``cpu`` (LiteRT's builtin optimised kernels, no
            delegate), ``reference`` (its builtin reference kernels: slow, for checking), ``gpu`` (needs a GPU
            delegate library), ``nnapi`` (Android only), ``edgetpu`` (needs ``libedgetpu``).
        threads: CPU threads (LiteRT's own default is one).
        keep_all_tensors: keep intermediate tensors readable after ``invoke()`` (more memory).
        name: what errors call a model given as bytes (say, the file it was read from).

    Raises:
        EdgeError: the file is missing or not a model, or the delegate is not available here.
    """
    from ai_edge_litert.interpreter import Interpreter, OpResolverType, load_delegate

    if delegate not in DELEGATES:
        raise EdgeError(f"unknown delegate {delegate!r}; choose one of {', '.join(DELEGATES)}")
    if threads < 1:
        raise EdgeError(f"threads must be at least 1, got {threads}")
    source = {"model_content": model} if isinstance(model, bytes) else {"model_path": str(model)}
    if not isinstance(model, bytes) and not Path(model).is_file():
        raise EdgeError(f"{model}: no such .tflite file")

    what = (name or "the model given as bytes") if isinstance(model, bytes) else str(model)
    options: dict = {"num_threads": threads, "experimental_preserve_all_tensors": keep_all_tensors}
    if delegate == "cpu":
        options["experimental_op_resolver_type"] = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    elif delegate == "reference":
        options["experimental_op_resolver_type"] = OpResolverType.BUILTIN_REF
    elif delegate == "nnapi":
        raise EdgeError("the NNAPI delegate exists only on Android (and is deprecated from Android 15)")
    elif delegate == "gpu":
        options["experimental_delegates"] = [_load_first(load_delegate, _GPU_LIBRARIES, "GPU")]
    elif delegate == "edgetpu":
        library = _EDGETPU_LIBRARIES.get(platform.system(), "libedgetpu.so.1")
        options["experimental_delegates"] = [_load_first(load_delegate, (library,), "Edge TPU")]
    try:
        with warnings.catch_warnings():  # LiteRT warns that keeping all tensors is for debugging: it is asked for
            warnings.filterwarnings("ignore", message=".*experimental_preserve_all_tensors")
            with native_logs_captured():  # LiteRT announces its XNNPACK delegate on the console
                interpreter = Interpreter(**source, **options)
                _check_input_sizes(interpreter, what)  # before allocating what the model declares
                interpreter.allocate_tensors()
    except EdgeError:
        raise
    except (ValueError, RuntimeError) as error:
        raise EdgeError(f"{what}: LiteRT cannot load it ({error})") from None
    return interpreter


# CPU features that decide which XNNPACK kernels run (x86 names as in /proc/cpuinfo, then Arm's).
_KERNEL_FEATURES = (
    "ssse3", "sse4_1", "avx", "f16c", "fma", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
    "avx_vnni", "avx512_bf16", "avx512_fp16", "amx_int8", "asimd", "asimdhp", "asimddp", "i8mm", "sve", "sve2",
)  # fmt: skip


def cpu_description() -> dict:
    """The processor LiteRT runs on: its model name, architecture and the instruction-set extensions that
    XNNPACK chooses its kernels by (int8 results can differ between kernel families: see the README).

    Read from ``/proc/cpuinfo`` where there is one (Linux, Android): LiteRT's own CPU detection (the cpuinfo
    library inside it) has no Python interface, and the general packages that read CPU flags start a
    subprocess for what is one file here. Elsewhere the model name is ``platform.processor()`` and the
    features are not listed.
    """
    model, features = platform.processor() or "unknown", None
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        text = ""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip().lower(), value.strip())
    model = fields.get("model name") or fields.get("hardware") or fields.get("cpu part") or model
    flags = set((fields.get("flags") or fields.get("features") or "").split())
    if flags:
        features = [name for name in _KERNEL_FEATURES if name in flags]
    return {"model": model, "architecture": platform.machine(), "kernel_features": features}


def describe_cpu(cpu: dict) -> str:
    """One line for a :func:`cpu_description` dictionary."""
    features = ", ".join(cpu["kernel_features"]) if cpu.get("kernel_features") else "features not read"
    return f"{cpu['model']} ({cpu['architecture']}; {features})"


def _check_input_sizes(interpreter, what: str) -> None:
    for detail in interpreter.get_input_details():
        shape = [int(d) for d in detail["shape"]]
        size = int(np.prod(shape, dtype=np.int64)) * np.dtype(detail["dtype"]).itemsize
        if size > MAX_INPUT_BYTES:
            raise EdgeError(
                f"{what}: its input '{detail['name']}' of shape {shape} takes {size} bytes "
                f"(at most {MAX_INPUT_BYTES} are accepted)"
            )


def _load_first(load_delegate, libraries, what: str):
    errors = []
    for library in libraries:
        try:
            return load_delegate(library)
        except (ValueError, OSError, RuntimeError) as error:
            errors.append(f"{library}: {error}")
    raise EdgeError(f"the {what} delegate is not available on this machine ({'; '.join(errors)})")


@dataclass
class LiteRTModel:
    """A loaded model with float-in, float-out ``__call__`` that handles (de)quantisation of the I/O."""

    interpreter: object

    @classmethod
    def load(
        cls, model: str | Path | bytes, delegate: str = "xnnpack", threads: int = 2, name: str | None = None
    ) -> LiteRTModel:
        """``name``: what errors call a model given as bytes (see :func:`make_interpreter`)."""
        return cls(make_interpreter(model, delegate, threads, name=name))

    @property
    def input_details(self) -> dict:
        return _first(self.interpreter.get_input_details(), "input")

    @property
    def output_details(self) -> dict:
        return _first(self.interpreter.get_output_details(), "output")

    @property
    def input_size(self) -> tuple[int, int]:
        shape = self.input_details["shape"]
        if len(shape) != 4:
            raise EdgeError(f"the model's input has shape {list(shape)}, not [1, height, width, channels]")
        return int(shape[1]), int(shape[2])

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """Run each image of ``(N, H, W, 3)`` (float, the Keras model's input range); returns float outputs."""
        images = np.asarray(images, np.float32)
        expected = tuple(int(d) for d in self.input_details["shape"][1:])
        if images.ndim != 4 or images.shape[1:] != expected:
            raise EdgeError(f"input of shape {images.shape[1:]} given, the model takes {expected}")
        return np.concatenate([self._run_one(image[None]) for image in images])

    def _run_one(self, image: np.ndarray) -> np.ndarray:
        details, out = self.input_details, self.output_details
        self.interpreter.set_tensor(details["index"], quantized_input(details, image))
        self.interpreter.invoke()
        result = self.interpreter.get_tensor(out["index"])
        if out["dtype"] != np.float32:
            scale, zero = out["quantization"]
            result = (result.astype(np.float32) - zero) * scale
        return result


def quantized_input(detail: dict, values: np.ndarray) -> np.ndarray:
    """``values`` (float) as the input tensor described by ``detail`` takes them: quantised with its scale and
    zero point, rounded and clipped, for an integer input; as they are for a float one."""
    if detail["dtype"] == np.float32:
        return values
    scale, zero = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    return np.clip(np.round(values / scale + zero), info.min, info.max).astype(detail["dtype"])


def _first(details: list[dict], what: str) -> dict:
    if not details:
        raise EdgeError(f"the model has no {what} tensor")
    return details[0]
