"""Latency of LiteRT models against the machine's own measured matrix-multiply rate.

Every number comes from one run on this machine: the fp32 GEMM rate is measured with LiteRT's own
XNNPACK kernels (a single large FULLY_CONNECTED) at the same thread counts as the models, so each
model latency is also reported as the fraction of that rate it achieves (its GMACs, counted from the
graph, divided by its latency).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from edge.convert import converter_chatter_hidden
from edge.runtime import cpu_description, describe_cpu, make_interpreter

# Operators whose multiply-accumulates are counted (as the paper's GMACs do): convolutions and dense.
_MAC_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL", "TRANSPOSE_CONV")


@dataclass
class Timing:
    median_ms: float
    p10_ms: float
    p90_ms: float
    runs: int


def time_invoke(interpreter, warmup: int = 10, runs: int = 50, min_seconds: float = 0.0) -> Timing:
    """Median and spread of ``invoke()`` on random input (after ``warmup`` calls)."""
    rng = np.random.default_rng(0)
    for detail in interpreter.get_input_details():
        dtype = detail["dtype"]
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            value = rng.integers(info.min, info.max, detail["shape"], dtype=dtype)
        else:
            value = rng.uniform(0, 1, detail["shape"]).astype(dtype)
        interpreter.set_tensor(detail["index"], value)
    for _ in range(warmup):
        interpreter.invoke()
    samples = []
    start = time.perf_counter()
    while len(samples) < runs or time.perf_counter() - start < min_seconds:
        begin = time.perf_counter()
        interpreter.invoke()
        samples.append(1000 * (time.perf_counter() - begin))
    p10, median, p90 = np.percentile(samples, [10, 50, 90])
    return Timing(float(median), float(p10), float(p90), len(samples))


def count_macs(flatbuffer: bytes) -> int:
    """Multiply-accumulates of the convolution and dense ops, read from the graph's tensor shapes."""
    interpreter = make_interpreter(flatbuffer, "cpu")
    tensors = {t["index"]: t for t in interpreter.get_tensor_details()}
    total = 0
    for op in interpreter._get_ops_details():  # the interpreter's only op listing
        name = op["op_name"]
        if name not in _MAC_OPS:
            continue
        output = tensors[op["outputs"][0]]["shape"]
        weights = tensors[op["inputs"][1]]["shape"]
        outputs = int(np.prod(output))
        if name == "CONV_2D":  # filter (O, kh, kw, I)
            total += outputs * int(np.prod(weights[1:]))
        elif name == "DEPTHWISE_CONV_2D":  # filter (1, kh, kw, C)
            total += outputs * int(weights[1] * weights[2])
        elif name == "FULLY_CONNECTED":  # weights (O, K)
            total += outputs * int(weights[-1])
        elif name == "BATCH_MATMUL":
            a = tensors[op["inputs"][0]]["shape"]
            total += outputs * int(a[-1])
        elif name == "TRANSPOSE_CONV":
            total += int(np.prod(tensors[op["inputs"][2]]["shape"])) * int(np.prod(weights[:3]))
    return total


def gemm_flatbuffer(rows: int = 256, depth: int = 1024, columns: int = 1024) -> bytes:
    """A LiteRT model that is one fp32 FULLY_CONNECTED: ``(rows, depth) x (depth, columns)``."""
    import keras
    import tensorflow as tf

    inputs = keras.Input((depth,), batch_size=rows)
    model = keras.Model(inputs, keras.layers.Dense(columns, use_bias=False)(inputs))
    with converter_chatter_hidden():
        return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def machine_gemm_rate(threads: int, rows: int = 256, depth: int = 1024, columns: int = 1024) -> float:
    """The machine's fp32 multiply-accumulate rate in GMAC/s with LiteRT/XNNPACK's GEMM at ``threads``."""
    interpreter = make_interpreter(gemm_flatbuffer(rows, depth, columns), "xnnpack", threads)
    timing = time_invoke(interpreter, warmup=10, runs=60)
    return rows * depth * columns / (timing.median_ms / 1000) / 1e9


@dataclass
class ModelResult:
    name: str
    threads: int
    size_mb: float
    gmacs: float
    median_ms: float
    p10_ms: float
    p90_ms: float
    gmac_per_s: float
    fraction_of_machine: float


def benchmark_models(
    models: dict[str, bytes], thread_counts: tuple[int, ...] = (1, 2), runs: int = 50, progress=print
) -> dict:
    """Time each ``{name: flatbuffer}`` at each thread count, with the machine's GEMM rate measured alongside and
    the CPU they ran on (:func:`edge.runtime.cpu_description`)."""
    cpu = cpu_description()
    progress(f"cpu: {describe_cpu(cpu)}")
    rates = {t: machine_gemm_rate(t) for t in thread_counts}
    for threads, rate in rates.items():
        progress(f"machine fp32 GEMM rate (XNNPACK, {threads} thread(s)): {rate:.1f} GMAC/s")
    results = []
    for name, flatbuffer in models.items():
        macs = count_macs(flatbuffer)
        for threads in thread_counts:
            timing = time_invoke(make_interpreter(flatbuffer, "xnnpack", threads), runs=runs)
            achieved = macs / (timing.median_ms / 1000) / 1e9
            row = ModelResult(
                name, threads, len(flatbuffer) / 1e6, macs / 1e9, timing.median_ms, timing.p10_ms, timing.p90_ms,
                achieved, achieved / rates[threads],
            )  # fmt: skip
            results.append(row)
            progress(
                f"{name:<28s} {threads} thr  {row.median_ms:7.2f} ms (p10 {row.p10_ms:.2f}, p90 {row.p90_ms:.2f})  "
                f"{row.gmacs:.2f} GMACs  {achieved:5.1f} GMAC/s = {100 * row.fraction_of_machine:5.1f}% of the machine"
            )
    return {
        "cpu": cpu,
        "machine_gemm_gmac_per_s": {str(k): v for k, v in rates.items()},
        "models": [asdict(r) for r in results],
    }


def attention_scaling(
    tokens: tuple[int, ...] = (64, 256, 1024, 4096, 16384),
    width: int = 128,
    heads: int = 4,
    threads: int = 1,
    mha_max_tokens: int = 16384,
    progress=print,
) -> dict:
    """LiteRT latency of one separable self-attention unit vs multi-head attention of the same width.

    Multi-head attention materialises a tokens x tokens matrix per head (16384 tokens: 1 GiB per head
    in fp32); lower ``mha_max_tokens`` on a machine with less memory.
    """
    rows = []
    for count in tokens:
        row = {"tokens": count, "separable_ms": _attention_latency("separable", count, width, heads, threads)}
        row["mha_ms"] = _attention_latency("mha", count, width, heads, threads) if count <= mha_max_tokens else None
        rows.append(row)
        mha = f"{row['mha_ms']:.3f} ms" if row["mha_ms"] is not None else "not run (memory)"
        progress(f"{count:6d} tokens: separable {row['separable_ms']:.3f} ms, multi-head {mha}")
    by_tokens = {r["tokens"]: r for r in rows}
    result = {"width": width, "heads": heads, "threads": threads, "rows": rows}
    if 1024 in by_tokens and 16384 in by_tokens:
        growth = by_tokens[16384]["separable_ms"] / by_tokens[1024]["separable_ms"]
        result["separable_growth_1024_to_16384"] = growth
        result["separable_growth_vs_linear"] = growth / 16
    return result


def _attention_latency(kind: str, tokens: int, width: int, heads: int, threads: int) -> float:
    import keras
    import tensorflow as tf

    from keras_mv2.layers import SeparableSelfAttention

    if kind == "separable":
        inputs = keras.Input((tokens, 1, width), batch_size=1)
        outputs = SeparableSelfAttention()(inputs)
    else:
        inputs = keras.Input((tokens, width), batch_size=1)
        outputs = keras.layers.MultiHeadAttention(heads, width // heads)(inputs, inputs)
    converter = tf.lite.TFLiteConverter.from_keras_model(keras.Model(inputs, outputs))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    with converter_chatter_hidden():
        flatbuffer = converter.convert()
    interpreter = make_interpreter(flatbuffer, "xnnpack", threads)
    return time_invoke(interpreter, warmup=3, runs=15, min_seconds=0.5).median_ms


def write_json(data: dict, path: str | Path) -> Path:
    from keras_mv2.utils import write_atomically

    return write_atomically(path, json.dumps(data, indent=2).encode())


def plot_models(data: dict, path: str | Path) -> Path:
    """Bar chart: latency per model and thread count, labelled with the fraction of the machine's rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = data["models"]
    names = list(dict.fromkeys(r["name"] for r in rows))
    threads = sorted({r["threads"] for r in rows})
    figure, axis = plt.subplots(figsize=(1.8 + 1.6 * len(names), 4.2))
    width = 0.8 / len(threads)
    for i, count in enumerate(threads):
        values = [next((r for r in rows if r["name"] == n and r["threads"] == count), None) for n in names]
        positions = np.arange(len(names)) + i * width
        bars = axis.bar(positions, [v["median_ms"] if v else 0 for v in values], width, label=f"{count} thread(s)")
        for bar, value in zip(bars, values, strict=True):
            if value:
                axis.annotate(
                    f"{value['median_ms']:.1f} ms\n{100 * value['fraction_of_machine']:.0f}%",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=8,
                )  # fmt: skip
    axis.set_xticks(np.arange(len(names)) + width * (len(threads) - 1) / 2, names, rotation=15, ha="right")
    axis.set_ylabel("median latency, ms (batch 1)")
    rates = ", ".join(f"{k} thr {v:.0f}" for k, v in data["machine_gemm_gmac_per_s"].items())
    axis.set_title(f"LiteRT + XNNPACK; % = share of this machine's fp32 GEMM rate ({rates} GMAC/s)", fontsize=9)
    axis.legend()
    axis.margins(y=0.2)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return Path(path)


def plot_attention(data: dict, path: str | Path) -> Path:
    """Log-log latency vs tokens for separable and multi-head attention, with a linear guide."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = data["rows"]
    tokens = np.array([r["tokens"] for r in rows])
    separable = np.array([r["separable_ms"] for r in rows])
    figure, axis = plt.subplots(figsize=(6, 4.2))
    axis.loglog(tokens, separable, "o-", label="separable self-attention (MobileViTv2)")
    mha = [(r["tokens"], r["mha_ms"]) for r in rows if r["mha_ms"] is not None]
    if mha:
        axis.loglog(*zip(*mha, strict=True), "s-", label=f"multi-head attention ({data['heads']} heads)")
    anchor = separable[np.searchsorted(tokens, 1024)] if 1024 in tokens else separable[0]
    reference = 1024 if 1024 in tokens else tokens[0]
    axis.loglog(tokens, anchor * tokens / reference, ":", color="gray", label="linear in tokens")
    axis.loglog(tokens, anchor * (tokens / reference) ** 2, "--", color="lightgray", label="quadratic in tokens")
    axis.set_xlabel("tokens")
    axis.set_ylabel("LiteRT latency, ms")
    axis.set_title(f"One attention unit, width {data['width']}, {data['threads']} thread(s)", fontsize=10)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return Path(path)
