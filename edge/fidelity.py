"""How closely a LiteRT model follows its Keras original, and where quantisation loses accuracy."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from edge.dense_fidelity import POSTPROCESS_OP
from edge.errors import EdgeError
from edge.runtime import KERNEL_SETS, cpu_description, make_interpreter, quantized_input
from keras_mv2.utils import write_atomically


@dataclass
class FidelityReport:
    """Keras vs LiteRT on the same images.

    ``top5_overlap`` is the mean fraction of Keras' five best classes that are also LiteRT's five best.
    """

    images: int
    max_abs_error: float
    mean_cosine: float
    min_cosine: float
    top1_agreement: float
    top5_overlap: float

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.images} images: max |error| {self.max_abs_error:.3g}, cosine mean {self.mean_cosine:.5f} "
            f"(min {self.min_cosine:.5f}), top-1 agreement {100 * self.top1_agreement:.1f}%, "
            f"top-5 overlap {100 * self.top5_overlap:.1f}%"
        )


def compare_outputs(reference: np.ndarray, candidate: np.ndarray) -> FidelityReport:
    """Compare two ``(N, classes)`` output arrays (the reference first)."""
    reference, candidate = np.asarray(reference, np.float64), np.asarray(candidate, np.float64)
    norms = np.linalg.norm(reference, axis=1) * np.linalg.norm(candidate, axis=1)
    cosine = (reference * candidate).sum(axis=1) / np.maximum(norms, 1e-30)
    top5_ref = np.argsort(-reference, axis=1)[:, :5]
    top5_cand = np.argsort(-candidate, axis=1)[:, :5]
    overlap = [len(set(a) & set(b)) / 5 for a, b in zip(top5_ref, top5_cand, strict=True)]
    return FidelityReport(
        images=len(reference),
        max_abs_error=float(np.abs(reference - candidate).max()),
        mean_cosine=float(cosine.mean()),
        min_cosine=float(cosine.min()),
        top1_agreement=float((top5_ref[:, 0] == top5_cand[:, 0]).mean()),
        top5_overlap=float(np.mean(overlap)),
    )


def fidelity(keras_model: keras.Model, litert_model, images: np.ndarray) -> FidelityReport:
    """Run both models on ``images`` (``(N, H, W, 3)`` in the Keras model's input range) and compare."""
    reference = keras_model.predict(np.asarray(images, np.float32), verbose=0, batch_size=8)
    return compare_outputs(reference, litert_model(images))


def input_noise_sensitivity(run, images: np.ndarray, sigma: float = 0.5, seed: int = 0) -> FidelityReport:
    """How far ``run``'s outputs move when ``images`` (in [0, 255]) get Gaussian noise of ``sigma`` grey levels.

    With ``sigma`` below one uint8 step this is a floor for any quantised copy of the same weights: if
    float32 itself changes its top-1 under noise that an 8-bit camera already has, no int8 graph can agree
    with it more closely.
    """
    images = np.asarray(images, np.float32)
    noisy = np.clip(images + np.random.default_rng(seed).normal(0, sigma, images.shape), 0, 255)
    return compare_outputs(run(images), run(noisy.astype(np.float32)))


def per_layer_errors(keras_model: keras.Model, representative, quantization: str = "int8") -> list[dict]:
    """Per-tensor quantisation error from TFLite's ``QuantizationDebugger``, worst first.

    Each row: ``tensor``, ``op``, ``rmse/scale`` (RMS error in units of the quantisation step;
    about 0.29 is ideal rounding) and ``mean_error``.
    """
    import tensorflow as tf

    from edge.convert import configure_quantization, converter_chatter_hidden, input_scale, static_batch_model

    if quantization not in ("int8", "int16x8"):
        raise EdgeError(f"per-layer errors are measured for int8 or int16x8 conversion, not {quantization!r}")
    model = static_batch_model(keras_model)
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    configure_quantization(converter, quantization, representative, input_scale(model))
    with converter_chatter_hidden():
        debugger = tf.lite.experimental.QuantizationDebugger(
            converter=converter, debug_dataset=representative.dataset(np.float32, input_scale(model))
        )
        debugger.run()
    buffer = io.StringIO()
    debugger.layer_statistics_dump(buffer)
    rows = []
    for row in csv.DictReader(io.StringIO(buffer.getvalue())):
        scale = float(row["scale"] or 0.0)
        mse = float(row["mean_squared_error"])
        rows.append(
            {
                "tensor": row["tensor_name"],
                "op": row["op_name"],
                "rmse/scale": float(np.sqrt(mse) / scale) if scale > 0 else float("nan"),
                "mean_error": float(row["mean_error"]),
                "max_abs_error": float(row["max_abs_error"]),
            }
        )
    return sorted(rows, key=lambda row: -np.nan_to_num(row["rmse/scale"], nan=-1.0))


def write_csv(rows: list[dict], path: str | Path) -> Path:
    """Write :func:`per_layer_errors` rows as CSV (atomically)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["tensor"])
    writer.writeheader()
    writer.writerows(rows)
    return write_atomically(path, buffer.getvalue().encode())


@dataclass
class KernelComparison:
    """One LiteRT model run by two CPU kernel sets (XNNPACK and the builtin kernels) on the same images.

    ``output_sqnr_db`` and ``argmax_agreement`` compare their results (the model's outputs, or for a detector
    what its post-processing op receives). Rounding alone makes int8 kernel sets differ by a step here and
    there, and a network can amplify that, so the verdict is per op: ``first_divergent_op`` is the first op
    (in execution order) that, given identical inputs, gives outputs more than ``tolerance_steps``
    quantisation steps apart under the two kernel sets; ``None`` when every op agrees that closely.
    """

    kernels: tuple[str, str]
    images: int
    output_sqnr_db: float
    argmax_agreement: float
    ops: int
    tolerance_steps: int
    first_divergent_op: dict | None
    cpu: dict

    def as_dict(self) -> dict:
        return {**asdict(self), "kernels": list(self.kernels), "warning": self.warning()}

    def warning(self) -> str | None:
        """What a user should be told, or ``None`` when the kernel sets agree within rounding."""
        op = self.first_divergent_op
        if op is None:
            return None
        return (
            f"the {self.kernels[0]} and {self.kernels[1]} kernels compute this model differently on this CPU "
            f"({self.cpu['model']}): op {op['index']} {op['op']} ({op['tensor']}) differs by up to "
            f"{op['max_steps']:g} steps on identical inputs"
        )

    def summary(self) -> str:
        verdict = self.warning() or f"all {self.ops} ops agree within {self.tolerance_steps} steps on identical inputs"
        return (
            f"{self.kernels[0]} vs {self.kernels[1]} kernels on {self.images} images: results SQNR "
            f"{self.output_sqnr_db:.1f} dB, same argmax {100 * self.argmax_agreement:.2f}%; {verdict}"
        )


def compare_kernels(
    flatbuffer: bytes, images: np.ndarray, kernels: tuple[str, str] | None = None, tolerance_steps: int = 2
) -> KernelComparison:
    """Run ``flatbuffer`` on ``images`` (``(N, H, W, 3)`` in the model's float input range) under two kernel sets
    (default :data:`edge.runtime.KERNEL_SETS`) and find the first op whose own computation differs.

    Two rewritten copies of the model do it in one run each per kernel set: one makes every op's output a
    model output; in the other every op reads its own copy of its inputs, fed from the second kernel set's
    first run, so each op is measured alone on identical inputs.
    """
    kernels = tuple(kernels or KERNEL_SETS)
    if len(images) == 0:
        raise EdgeError("compare_kernels needs at least one image")
    graph = litert_graph(flatbuffer)
    subgraph = graph.subgraphs[0]
    op_outputs = [int(t) for op in subgraph.operators for t in op.outputs if t >= 0]
    exposed = [_Runner(_with_outputs(graph, op_outputs), kernel) for kernel in kernels]
    decoupled_model, feeds = _decoupled(graph)
    decoupled = [_Runner(decoupled_model, kernel) for kernel in kernels]
    results = _result_tensors(graph)
    worst = np.zeros(len(subgraph.operators))
    reference, candidate = [], []
    for image in np.asarray(images, np.float32):
        whole = [runner.run_image(image) for runner in exposed]
        candidate.append([_dequantised(subgraph, t, whole[0][t]) for t in results])
        reference.append([_dequantised(subgraph, t, whole[1][t]) for t in results])
        alone = [runner.run_tensors([whole[1][t] for t in feeds]) for runner in decoupled]
        for index, op in enumerate(subgraph.operators):
            outputs = [t for t in op.outputs if t >= 0]
            worst[index] = max(worst[index], _max_steps(subgraph, outputs, alone[0], alone[1]))
    first = None
    beyond = np.flatnonzero(worst > tolerance_steps)
    if len(beyond):
        op = subgraph.operators[beyond[0]]
        first = {"index": int(beyond[0]), "op": op_name(graph, op), "max_steps": float(worst[beyond[0]]),
                 "tensor": subgraph.tensors[op.outputs[0]].name.decode(errors="replace")}  # fmt: skip
    flat_reference = np.concatenate([np.ravel(value) for values in reference for value in values])
    flat_candidate = np.concatenate([np.ravel(value) for values in candidate for value in values])
    noise = float(np.sum((flat_candidate - flat_reference) ** 2))
    sqnr = float("inf") if noise == 0 else float(10 * np.log10(np.sum(flat_reference**2) / noise))
    agreement = float(np.mean([(c[-1].argmax(-1) == r[-1].argmax(-1)).mean()
                               for c, r in zip(candidate, reference, strict=True)]))  # fmt: skip
    return KernelComparison(
        kernels, len(reference), sqnr, agreement, len(subgraph.operators), tolerance_steps, first, cpu_description()
    )


class _Runner:
    """An interpreter on one kernel set, read by the original model's tensor indices (raw values)."""

    def __init__(self, flatbuffer: bytes, kernel: str):
        self.interpreter = make_interpreter(flatbuffer, kernel, threads=1, name="the kernel check's model")
        self.inputs = self.interpreter.get_input_details()
        self.outputs = self.interpreter.get_output_details()

    def run_image(self, image: np.ndarray) -> dict[int, np.ndarray]:
        """Every output for one float image, and the input as fed."""
        detail = self.inputs[0]
        value = quantized_input(detail, image[None])
        self.interpreter.set_tensor(detail["index"], value)
        self.interpreter.invoke()
        return {detail["index"]: value} | {d["index"]: self.interpreter.get_tensor(d["index"]) for d in self.outputs}

    def run_tensors(self, values: list[np.ndarray]) -> dict[int, np.ndarray]:
        """Every output with ``values`` as the inputs, in order."""
        for detail, value in zip(self.inputs, values, strict=True):
            self.interpreter.set_tensor(detail["index"], value)
        self.interpreter.invoke()
        return {d["index"]: self.interpreter.get_tensor(d["index"]) for d in self.outputs}


def litert_graph(flatbuffer: bytes):
    """The model as LiteRT's flatbuffer schema objects (``ModelT``), to read or rewrite."""
    from ai_edge_litert import schema_py_generated as schema

    return schema.ModelT.InitFromPackedBuf(bytearray(flatbuffer), 0)


def _pack(graph) -> bytes:
    import flatbuffers

    builder = flatbuffers.Builder(1024)
    builder.Finish(graph.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _with_outputs(graph, outputs: list[int]) -> bytes:
    """The model with ``outputs`` (tensor indices, in order, without repeats) as its outputs."""
    subgraph = graph.subgraphs[0]
    saved = subgraph.outputs
    subgraph.outputs = np.array(list(dict.fromkeys(outputs)), np.int32)
    try:
        return _pack(graph)
    finally:
        subgraph.outputs = saved


def _decoupled(graph) -> tuple[bytes, list[int]]:
    """The model with each op reading fresh input tensors (copies of its non-constant inputs) and every op
    output a model output; returns it and, for each of its inputs in order, the original tensor to feed."""
    import copy

    subgraph = graph.subgraphs[0]
    tensors = list(subgraph.tensors)
    operators, feeds, inputs = [], [], []
    for op in subgraph.operators:
        op = copy.copy(op)
        reads = []
        for tensor in op.inputs:
            if tensor < 0 or _is_constant(graph, tensor):
                reads.append(tensor)
                continue
            clone = copy.copy(tensors[tensor])
            clone.name = clone.name + b"/kernel_check_input"
            tensors.append(clone)
            inputs.append(len(tensors) - 1)
            feeds.append(int(tensor))
            reads.append(len(tensors) - 1)
        op.inputs = np.array(reads, np.int32)
        operators.append(op)
    decoupled = copy.copy(graph)
    rewritten = copy.copy(subgraph)
    rewritten.tensors, rewritten.operators = tensors, operators
    rewritten.inputs = np.array(inputs, np.int32)
    outputs = dict.fromkeys(int(t) for op in operators for t in op.outputs if t >= 0)
    rewritten.outputs = np.array(list(outputs), np.int32)
    decoupled.subgraphs = [rewritten]
    decoupled.signatureDefs = None  # they name the original inputs and outputs
    return _pack(decoupled), feeds


def _dequantised(subgraph, tensor: int, value: np.ndarray) -> np.ndarray:
    quantization = subgraph.tensors[tensor].quantization
    if quantization is None or quantization.scale is None or len(quantization.scale) != 1:
        return np.asarray(value, np.float64)
    return (np.asarray(value, np.float64) - float(quantization.zeroPoint[0])) * float(quantization.scale[0])


def _is_constant(graph, tensor: int) -> bool:
    buffer = graph.buffers[graph.subgraphs[0].tensors[tensor].buffer]
    return (buffer.data is not None and len(buffer.data) > 0) or bool(getattr(buffer, "size", 0))


def op_name(graph, op) -> str:
    """The builtin op's name (``CONV_2D``), or a custom op's own."""
    from ai_edge_litert import schema_py_generated as schema

    code = graph.operatorCodes[op.opcodeIndex]
    number = max(code.builtinCode, code.deprecatedBuiltinCode)
    if number == schema.BuiltinOperator.CUSTOM:
        return (code.customCode or b"CUSTOM").decode(errors="replace")
    names = {value: name for name, value in vars(schema.BuiltinOperator).items() if not name.startswith("_")}
    return names.get(number, str(number))


def _result_tensors(graph) -> list[int]:
    """The model's outputs, or the inputs of a detection post-processing op (its boxes and class scores)."""
    subgraph = graph.subgraphs[0]
    for op in subgraph.operators:
        if op_name(graph, op) == POSTPROCESS_OP:
            return [int(t) for t in op.inputs[:2]]
    return [int(t) for t in subgraph.outputs]


def _max_steps(subgraph, tensors: list[int], first: dict, second: dict) -> float:
    """Largest difference between two runs' values of ``tensors``, in quantisation steps (float tensors: in
    1/256ths of the tensor's largest magnitude, the step of an 8-bit range)."""
    worst = 0.0
    for tensor in tensors:
        a, b = np.asarray(first[tensor]), np.asarray(second[tensor])
        if np.issubdtype(a.dtype, np.integer):
            difference = float(np.abs(a.astype(np.int64) - b.astype(np.int64)).max(initial=0))
        else:
            magnitude = float(np.abs(b).max(initial=0.0))
            difference = float(np.abs(a - b).max(initial=0.0)) * 256 / magnitude if magnitude > 0 else 0.0
        worst = max(worst, difference)
    return worst
