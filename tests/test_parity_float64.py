"""Exact parity: the port run in float64 against ml-cvnets run in float64, within 1e-9 on every fixture.

Float32 agreement (test_parity_cvnets.py, test_parity_dense.py) cannot tell a rounding difference from a
small real one: Apple's float32 outputs are themselves up to 8.7e-4 from the exact values on the dense
fixtures. The fixtures' ``*_float64`` arrays are ml-cvnets' model cast to float64 and fed ``image / 255`` in
float64; an exact port evaluated the same way agrees with them to ~1e-12, a port with any real deviation
(a wrong epsilon, a float32 step, a shifted sample position) does not. Keras' floatx and dtype policy
are float64 only inside these tests. The dense tests also print Apple's own float32-vs-float64 gap, the
premise of the float32 tests' scale-relative bounds. float64_parity_worker.py runs the same cases on
the PyTorch backend (with Keras' float64-to-float32 type demotion switched off there; it says why).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import keras
import numpy as np
import pytest
from conftest import CVNETS, CVNETS_DENSE, SIZES, WIDTHS, checkpoint, require_fixtures, size_of

from keras_mv2.applications import FEATURE_LAYERS, DeepLabV3MobileViTv2, MobileViTv2, SSDLiteMobileViTv2

BOUND = 1e-9
STAGES = {"layer_3": "stride_8", "layer_4": "stride_16", "layer_5": "stride_32"}
DENSE_SIZES = {"deeplabv3": ("512x512", "256x384"), "ssdlite": ("320x320", "256x384")}
CASES = [f"{alpha}@{size}" for alpha in WIDTHS for size in SIZES] + [
    f"{task}@{size}" for task, sizes in DENSE_SIZES.items() for size in sizes
]


@contextlib.contextmanager
def float64_keras() -> Iterator[None]:
    """Keras floatx and dtype policy float64 inside, restored after (they are process-wide)."""
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)


def _load(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        pytest.fail(f"Apple's reference fixture is missing: expected {path}")
    with np.load(path) as data:
        io = {key: data[key] for key in data.files}
    io["images"] = io.pop("image_nchw_uint8").transpose(0, 2, 3, 1).astype("float64") / 255.0  # as ml-cvnets fed it
    return io


def _run(model: keras.Model, images: np.ndarray):
    assert model.dtype_policy.compute_dtype == "float64", "the model was not built in float64"
    outputs = model.predict_on_batch(images)
    for output in keras.tree.flatten(outputs):
        assert output.dtype == np.float64, f"a float64 model returned {output.dtype}"
    return outputs


class Output(NamedTuple):
    """One compared output, the three arrays laid out alike."""

    ours: np.ndarray  # float64
    apple: np.ndarray  # ml-cvnets in float64
    apple_float32: np.ndarray  # ml-cvnets in float32 (the float32 tests' reference)


Compared = dict[str, Output]


def classification_outputs(alpha: str, size: str) -> Compared:
    """The logits and each stage output the fixture stores (ours NHWC, transposed to its NCHW)."""
    require_fixtures()
    io = _load(CVNETS / f"cvnets-mobilevitv2-{alpha}-io-{size}.npz")
    with float64_keras():
        model = MobileViTv2(
            float(alpha), weights=str(checkpoint(alpha)), classifier_activation=None,
            include_preprocessing=False, input_shape=(*size_of(size), 3),
        )  # fmt: skip
        stages = [stage for stage in STAGES if f"{stage}_nchw_float64" in io]
        probe = keras.Model(
            model.inputs, [model.output, *(model.get_layer(FEATURE_LAYERS[STAGES[s]]).output for s in stages)]
        )
        outputs = _run(probe, io["images"])
    compared = {"logits": Output(outputs[0], io["logits_float64"], io["logits"])}
    for stage, output in zip(stages, outputs[1:], strict=True):
        compared[stage] = Output(output.transpose(0, 3, 1, 2), io[f"{stage}_nchw_float64"], io[f"{stage}_nchw"])
    return compared


def _dense_run(fixture: str, size: str, builder, **kwargs):
    """The fixture's inputs and outputs, the float64 model with its checkpoint, and the model's outputs."""
    io = _load(CVNETS_DENSE / f"cvnets-{fixture}-mobilevitv2-0.5-io-{size}.npz")
    weights = CVNETS_DENSE / f"cvnets-{fixture}-mobilevitv2-0.5-random.pt"
    with float64_keras():
        model = builder(0.5, weights=str(weights), include_preprocessing=False, input_shape=(*size_of(size), 3),
                        **kwargs)  # fmt: skip
        return io, model, _run(model, io["images"])


def deeplabv3_outputs(size: str) -> Compared:
    """The upsampled logits on the fixture's every-8th-pixel grid."""
    io, _, logits = _dense_run("deeplabv3-voc", size, DeepLabV3MobileViTv2, classes=21)
    ours = logits[:, ::8, ::8].transpose(0, 3, 1, 2)
    return {"logits": Output(ours, io["output_every_8th_pixel_float64"], io["output_every_8th_pixel"])}


def ssdlite_outputs(size: str) -> Compared:
    """The class logits and box regressions of each anchor level (one per SSD head)."""
    io, model, outputs = _dense_run("ssdlite-coco", size, SSDLiteMobileViTv2, classes=80)
    levels = anchor_levels(model)
    assert len(levels) == 6 and levels[-1].stop == io["class_logits_float64"].shape[1], "not every anchor compared"
    return {
        f"level {index} {key}": Output(outputs[key][:, level], io[f"{key}_float64"][:, level], io[key][:, level])
        for index, level in enumerate(levels)
        for key in ("class_logits", "box_regressions")
    }


def anchor_levels(model: keras.Model) -> list[slice]:
    """The anchor rows of each SSD head, in output order."""
    sizes = [layer.output.shape[1] for layer in model.layers if layer.name.endswith("_flatten")]
    return [slice(start, stop) for start, stop in itertools.pairwise(np.cumsum([0, *sizes]))]


def case_outputs(case: str) -> Compared:
    """The compared outputs of one of :data:`CASES` (``alpha@size`` classification, ``task@size`` dense)."""
    model, size = case.split("@")
    if model == "deeplabv3":
        return deeplabv3_outputs(size)
    if model == "ssdlite":
        return ssdlite_outputs(size)
    return classification_outputs(model, size)


def max_errors(compared: Compared, field: str = "ours") -> dict[str, float]:
    """Max |``field`` - Apple's float64 output| per output (``field="apple_float32"``: Apple's own rounding)."""
    errors = {}
    for name, output in compared.items():
        actual = getattr(output, field)
        assert actual.shape == output.apple.shape and output.apple.dtype == np.float64, (name, actual.shape)
        errors[name] = float(np.abs(actual.astype("float64") - output.apple).max())
    return errors


def case_errors(case: str) -> dict[str, float]:
    """Max |error| per output of one case (what the worker reports)."""
    return case_errors_of(case, case_outputs(case))


def case_errors_of(case: str, compared: Compared) -> dict[str, float]:
    """Max |error| per output; fails when fewer outputs were compared than the fixture stores."""
    errors = max_errors(compared)
    model, size = case.split("@")
    expected = {"deeplabv3": 1, "ssdlite": 12}.get(model, 4 if size == "256x256" else 2)  # SSD: 6 levels x 2
    assert len(errors) == expected, f"{case}: {len(errors)} outputs compared, the fixture has {expected}"
    return errors


def report(backend: str, case: str, errors: dict[str, float], seconds: float | None = None) -> None:
    """Print the worst error of a case and where (``pytest -s`` shows it)."""
    worst = max(errors, key=errors.get)
    took = "" if seconds is None else f", {seconds:.0f} s"
    print(f"float64 {backend} {case}: max |error| {errors[worst]:.2e} ({worst}; {len(errors)} outputs compared{took})")


def check(case: str) -> dict[str, float]:
    """Compare one case on this process' backend; print ours and Apple's own float32 gap per output."""
    compared = case_outputs(case)
    errors, rounding = case_errors_of(case, compared), max_errors(compared, "apple_float32")
    report(keras.backend.backend(), case, errors)
    for name, error in errors.items():
        print(f"  {name}: ours {error:.2e}; Apple's float32 vs its float64 {rounding[name]:.2e}")
    for name, error in errors.items():
        assert error <= BOUND, f"{case} {name}: max |error| {error:.3g} > {BOUND:g} ({errors})"
    return errors


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("alpha", WIDTHS)
def test_classification_is_exact_in_float64(alpha, size):
    check(f"{alpha}@{size}")


@pytest.mark.parametrize("size", DENSE_SIZES["deeplabv3"])
def test_deeplabv3_is_exact_in_float64(size):
    check(f"deeplabv3@{size}")


@pytest.mark.parametrize("size", DENSE_SIZES["ssdlite"])
def test_ssdlite_is_exact_in_float64(size):
    check(f"ssdlite@{size}")


def test_float64_parity_on_the_torch_backend():
    """Every case again on the PyTorch backend, in a subprocess: Keras picks its backend once, at import."""
    here = Path(__file__).parent
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, str(here / "float64_parity_worker.py"), *CASES],
        env={**os.environ, "KERAS_BACKEND": "torch"}, cwd=here, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["backend"] == "torch"
    assert sorted(result["errors"]) == sorted(CASES)
    for case, errors in result["errors"].items():
        report("torch", case, errors, result["seconds"][case])
    demotion = "switched off" if result["float64_demotion_off"] else "absent"
    print(f"  torch worker: {time.monotonic() - started:.0f} s; Keras' float64-to-float32 demotion {demotion}")
    for case, errors in result["errors"].items():
        for name, error in errors.items():
            assert error <= BOUND, f"torch {case} {name}: max |error| {error:.3g} > {BOUND:g}"


def test_float64_scope_restores_keras_config():
    before = keras.config.floatx(), keras.config.dtype_policy().name
    with float64_keras():
        assert keras.config.floatx() == "float64" and keras.config.dtype_policy().name == "float64"
    assert (keras.config.floatx(), keras.config.dtype_policy().name) == before
