"""Edge TPU readiness: does a LiteRT model follow the Edge TPU compiler's rules, and which ops break them.

Rules (Coral's model requirements for compiler 16): every tensor 8-bit quantised (int32 only for
biases), static shapes, at most 3 non-unit dimensions per tensor, and only the ops in
:data:`EDGETPU_OPS`. The compiler maps ops to the TPU up to the first one that breaks a rule; that op
and everything after it run on the CPU, so the first offender matters most.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from edge.errors import EdgeError

# Operations the Edge TPU compiler can map (Coral's supported-operations table).
EDGETPU_OPS = frozenset(
    {
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE",
        "EXPAND_DIMS", "FULLY_CONNECTED", "HARD_SWISH", "L2_NORMALIZATION", "LOGISTIC", "MAXIMUM",
        "MAX_POOL_2D", "MEAN", "MINIMUM", "MUL", "PACK", "PAD", "PRELU", "QUANTIZE", "REDUCE_MAX",
        "REDUCE_MIN", "RELU", "RELU6", "RELU_N1_TO_1", "RESHAPE", "RESIZE_BILINEAR",
        "RESIZE_NEAREST_NEIGHBOR", "RSQRT", "SLICE", "SOFTMAX", "SPACE_TO_DEPTH", "SPLIT",
        "SQUARED_DIFFERENCE", "SQUEEZE", "STRIDED_SLICE", "SUB", "SUM", "TANH", "TRANSPOSE",
        "TRANSPOSE_CONV", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    }
)  # fmt: skip
_INTEGER_TYPES = (np.int8, np.uint8)


@dataclass
class Offence:
    op_index: int
    op: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"op {self.op_index} {self.op}: {self.rule} ({self.detail})"


@dataclass
class EdgeTPUReport:
    ops: int
    offences: list[Offence] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.offences

    @property
    def first_offending_op(self) -> int | None:
        return min((o.op_index for o in self.offences), default=None)

    def summary(self) -> str:
        if self.ready:
            return f"Edge TPU ready: all {self.ops} ops follow the rules"
        first = self.first_offending_op
        names = sorted({o.op for o in self.offences if o.rule == "unsupported op"})
        lines = [
            f"NOT Edge TPU ready: {len(self.offences)} problem(s); ops from #{first} of {self.ops} on would run "
            f"on the CPU" + (f"; unsupported ops: {', '.join(names)}" if names else "")
        ]
        lines += [f"  {offence}" for offence in self.offences[:40]]
        if len(self.offences) > 40:
            lines.append(f"  ... and {len(self.offences) - 40} more")
        return "\n".join(lines)


def check_edgetpu(model: str | Path | bytes) -> EdgeTPUReport:
    """Check a ``.tflite`` (path or bytes) against the Edge TPU rules; every offending op is named."""
    from ai_edge_litert.interpreter import Interpreter

    try:
        if isinstance(model, bytes):
            interpreter = Interpreter(model_content=model)
        else:
            if not Path(model).is_file():
                raise EdgeError(f"{model}: no such .tflite file")
            interpreter = Interpreter(model_path=str(model))
    except ValueError as error:
        raise EdgeError(f"not a LiteRT model ({error})") from None
    tensors = {t["index"]: t for t in interpreter.get_tensor_details()}
    ops = interpreter._get_ops_details()  # the interpreter's only op listing; public API has none
    activations = {i for op in ops for i in op["outputs"]} | {d["index"] for d in interpreter.get_input_details()}
    report = EdgeTPUReport(ops=len(ops))
    for op in ops:
        index, name = op["index"], op["op_name"]
        if name not in EDGETPU_OPS:
            report.offences.append(Offence(index, name, "unsupported op", "not in the Edge TPU op table"))
        for tensor_index in [*op["inputs"], *op["outputs"]]:
            if tensor_index < 0:
                continue
            report.offences += _tensor_offences(index, name, tensors[tensor_index], tensor_index in activations)
    return report


def _tensor_offences(op_index: int, op_name: str, tensor: dict, is_activation: bool) -> list[Offence]:
    offences = []
    dtype = tensor["dtype"]
    # QUANTIZE/DEQUANTIZE convert at the model's edges; int32 holds biases and shapes.
    if op_name not in ("QUANTIZE", "DEQUANTIZE") and dtype not in (*_INTEGER_TYPES, np.int32):
        offences.append(Offence(op_index, op_name, "not 8-bit quantised", f"{tensor['name']}: {np.dtype(dtype).name}"))
    signature = tensor.get("shape_signature", tensor["shape"])
    if any(int(d) < 0 for d in signature):
        offences.append(Offence(op_index, op_name, "dynamic shape", f"{tensor['name']}: {list(signature)}"))
    non_unit = [int(d) for d in tensor["shape"] if int(d) != 1]
    if is_activation and len(non_unit) > 3:
        shape = [int(d) for d in tensor["shape"]]
        offences.append(Offence(op_index, op_name, "more than 3 non-unit dimensions", f"{tensor['name']}: {shape}"))
    return offences


def compile_for_edgetpu(tflite_path: str | Path, output_dir: str | Path) -> Path:
    """Run ``edgetpu_compiler`` (Coral's, from its own apt repository) when it is on PATH.

    Raises:
        EdgeError: the compiler is not installed, or it failed (its log is included).
    """
    compiler = shutil.which("edgetpu_compiler")
    if compiler is None:
        raise EdgeError(
            "edgetpu_compiler is not on PATH: install Coral's edgetpu-compiler package (from Coral's apt "
            "repository) on an x86-64 Debian/Ubuntu machine, or compile the exported .tflite there"
        )
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([compiler, "-s", "-o", str(output_dir), str(tflite_path)], capture_output=True, text=True)
    compiled = output_dir / (Path(tflite_path).stem + "_edgetpu.tflite")
    if run.returncode != 0 or not compiled.is_file():
        raise EdgeError(f"edgetpu_compiler failed:\n{run.stdout}\n{run.stderr}")
    return compiled
