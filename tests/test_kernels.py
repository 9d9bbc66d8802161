"""int8 on every CPU: the two kernel defects found, the graph that avoids them, and the op-by-op kernel check.

LiteRT runs an int8 model with XNNPACK by default and with its builtin kernels otherwise; which XNNPACK kernels
run depends on the CPU. These tests hold on any CPU: each defect is measured against exact arithmetic, and the
kernel check must warn exactly where the two kernel sets differ.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
from litert_graphs import int8_mean, int8_resize_align_corners

from edge.fidelity import compare_kernels, litert_graph, op_name
from edge.runtime import KERNEL_SETS, cpu_description, make_interpreter
from keras_mv2.layers import LayerNorm2D
from keras_mv2.layers.layer_norm_2d import INT8_SAFE_REDUCTION


def run(flatbuffer: bytes, kernels: str, value: np.ndarray) -> np.ndarray:
    interpreter = make_interpreter(flatbuffer, kernels, threads=1)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], value)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).astype(np.int64)


def test_int8_mean_of_16384_values_near_the_bottom_of_the_range():
    """XNNPACK's AVX2 sum kernel adds 512 int8 values per 16-bit lane over 16,384 values: it wraps when their
    mean magnitude passes 64. The builtin kernels are exact; the check warns exactly when XNNPACK is not."""
    shape = (1, 64, 4, 64)  # 16,384 values, as a LayerNorm2D over a 32x32 map of 64 channels
    values = np.full(shape, -100, np.int8)
    values[0, :, :, ::7] = -128
    model = int8_mean(shape, (1, 2, 3))
    exact = np.round(values.astype(np.float64).mean())
    assert abs(run(model, "cpu", values).item() - exact) <= 1
    xnnpack_error = abs(run(model, "xnnpack", values).item() - exact)
    comparison = compare_kernels(model, values.astype(np.float32) * 0.01)
    if xnnpack_error <= 1:
        assert comparison.warning() is None, comparison.summary()
    else:  # measured on an AMD EPYC with AVX2: 128 steps off
        assert comparison.first_divergent_op["op"] == "MEAN", comparison.summary()
        assert "MEAN" in comparison.warning()
    print(f"{cpu_description()['model']}: XNNPACK int8 MEAN of 16,384 values off by {xnnpack_error:g} steps")


def test_layer_norm_keeps_every_int8_sum_within_what_every_kernel_adds_exactly(tmp_path):
    """The graph side of the fix: LayerNorm2D's means reduce one axis at a time, so no int8 MEAN in an export
    sums more contiguous values than the kernels add without overflow, whatever the map size."""
    from edge.convert import convert
    from edge.representative import RepresentativeData

    inputs = keras.Input((64, 4, 96), batch_size=1)
    model = keras.Model(inputs, LayerNorm2D()(inputs) * 2.0)
    rng = np.random.default_rng(0)
    data = RepresentativeData(rng.normal(0, 40, (8, 64, 4, 96)).astype(np.float32), "noise")
    flatbuffer = convert(model, "int8", representative=data).flatbuffer
    graph = litert_graph(flatbuffer)
    subgraph = graph.subgraphs[0]
    means = [op for op in subgraph.operators if op_name(graph, op) == "MEAN"]
    assert len(means) == 6
    for op in means:
        shape = [int(side) for side in subgraph.tensors[op.inputs[0]].shape]
        axes_buffer = graph.buffers[subgraph.tensors[op.inputs[1]].buffer].data
        axes = {int(axis) % len(shape) for axis in np.frombuffer(bytes(axes_buffer), np.int32)}
        # A reduction is one contiguous sum when only unit axes follow its last reduced axis (else it is
        # strided, and that kernel widens its sums every 252 rows).
        if all(shape[axis] == 1 for axis in range(max(axes) + 1, len(shape))):
            assert int(np.prod([shape[axis] for axis in axes])) <= INT8_SAFE_REDUCTION, (shape, axes)
    values = rng.normal(0, 40, (4, 64, 4, 96)).astype(np.float32)
    assert compare_kernels(flatbuffer, values).warning() is None


def test_builtin_int8_resize_with_aligned_corners_steps_through_positions_in_tenths_of_a_millipixel():
    """LiteRT's builtin int8 RESIZE_BILINEAR keeps the position step in 10-bit fixed point: for a 16x upsample
    with aligned corners (15/255 of a pixel per step, stored as 60/1024) the far edge lands 0.06 pixel off.
    XNNPACK computes it exactly; the kernel check names the op on every CPU."""
    side, out_side = 16, 256
    model = int8_resize_align_corners(side, out_side, channels=3)
    rng = np.random.default_rng(0)
    values = rng.integers(-120, 120, (1, side, side, 3)).astype(np.int8)
    positions = np.arange(out_side) * (side - 1) / (out_side - 1)
    low = np.floor(positions).astype(int)
    high, weight = np.minimum(low + 1, side - 1), positions - low
    rows = values[0][low] * (1 - weight)[:, None, None] + values[0][high] * weight[:, None, None]
    exact = rows[:, low] * (1 - weight)[None, :, None] + rows[:, high] * weight[None, :, None]
    xnnpack_error = np.abs(run(model, "xnnpack", values)[0] - exact).max()
    builtin_error = np.abs(run(model, "cpu", values)[0] - exact).max()
    print(f"int8 resize 16 -> 256: XNNPACK {xnnpack_error:.2f}, builtin {builtin_error:.2f} steps from exact")
    assert xnnpack_error <= 1.0 and builtin_error > 3.0
    comparison = compare_kernels(model, values.astype(np.float32) * 0.02)
    assert comparison.first_divergent_op["op"] == "RESIZE_BILINEAR" and comparison.ops == 1
    assert comparison.warning().startswith("the xnnpack and cpu kernels compute this model differently")


def test_cpu_description_reads_the_features_xnnpack_chooses_by():
    cpu = cpu_description()
    assert cpu["model"] and cpu["architecture"]
    info = Path("/proc/cpuinfo")
    if not info.is_file():
        pytest.skip("no /proc/cpuinfo here: the features are not read on this system")
    flags = set()
    for line in info.read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags = set(value.split())
            break
    assert cpu["kernel_features"] is not None and set(cpu["kernel_features"]) <= flags
    for feature in ("avx2", "fma", "avx512f", "asimddp", "i8mm"):
        assert (feature in flags) == (feature in cpu["kernel_features"])


def test_kernel_sets_are_xnnpack_and_the_builtin_kernels():
    assert KERNEL_SETS == ("xnnpack", "cpu")
