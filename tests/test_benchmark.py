"""The benchmark's parts: MAC counting from the graph, the report and charts it writes (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys

import keras
from conftest import ROOT

from edge import convert
from edge.benchmark import attention_scaling, count_macs, plot_attention


def test_macs_are_counted_from_the_graph():
    inputs = keras.Input((16, 16, 3), batch_size=1)
    x = keras.layers.Conv2D(8, 3, padding="same")(inputs)
    x = keras.layers.DepthwiseConv2D(3, strides=2, padding="same")(x)
    x = keras.layers.Conv2D(4, 1)(x)
    outputs = keras.layers.Dense(5)(keras.layers.GlobalAveragePooling2D()(x))
    flatbuffer = convert(keras.Model(inputs, outputs)).flatbuffer
    expected = 16 * 16 * 8 * (3 * 3 * 3) + 8 * 8 * 8 * (3 * 3) + 8 * 8 * 4 * 8 + 4 * 5
    assert count_macs(flatbuffer) == expected


def test_attention_scaling_rows_and_chart(tmp_path):
    result = attention_scaling(tokens=(64, 256), width=32, heads=2, mha_max_tokens=64, progress=lambda _: None)
    assert [row["tokens"] for row in result["rows"]] == [64, 256]
    assert all(row["separable_ms"] > 0 for row in result["rows"])
    assert result["rows"][0]["mha_ms"] > 0 and result["rows"][1]["mha_ms"] is None
    chart = plot_attention(result, tmp_path / "attention.png")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_benchmark_command_writes_report_and_chart(tmp_path):
    command = [sys.executable, "-m", "keras_mv2.cli", "benchmark", "--alpha", "0.5", "--size", "64"]
    command += ["--threads", "1", "--no-attention", "--output-dir", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "benchmark.json").read_text())
    assert report["machine_gemm_gmac_per_s"]["1"] > 0
    assert report["cpu"]["model"] and f"cpu: {report['cpu']['model']} (" in result.stdout
    names = {row["name"] for row in report["models"]}
    assert names == {"keras_mv2 0.5 fp32", "keras_mv2 0.5 int8"}
    for row in report["models"]:
        assert row["gmacs"] > 0 and 0 < row["fraction_of_machine"] < 10
    assert report["int8_vs_fp32"]["images"] == 4
    assert report["int8_vs_fp32"]["fp32_vs_fp32_with_input_noise_0.5"]["images"] == 4
    assert "fp32 vs fp32 on inputs" in result.stdout
    assert (tmp_path / "latency.png").read_bytes()[:4] == b"\x89PNG"
