"""Parity with Apple's ml-cvnets: logits and stage outputs of its own code, for every fixture width and size."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from conftest import SIZES, WIDTHS, checkpoint, reference_io, size_of

from keras_mv2.applications import FEATURE_LAYERS, MobileViTv2

STAGES = {"layer_3": "stride_8", "layer_4": "stride_16", "layer_5": "stride_32"}


def max_errors(alpha: str, size: str) -> dict[str, float]:
    """Max abs error of the logits and of each stage output relative to the stage's range."""
    reference = reference_io(alpha, size)
    model = MobileViTv2(
        float(alpha), weights=str(checkpoint(alpha)), classifier_activation=None, input_shape=(*size_of(size), 3)
    )
    stages = [s for s in STAGES if s in reference]
    probe = keras.Model(
        model.inputs, [model.output] + [model.get_layer(FEATURE_LAYERS[STAGES[s]]).output for s in stages]
    )
    outputs = probe.predict(reference["images"], verbose=0)
    errors = {"logits": float(np.abs(outputs[0] - reference["logits"]).max())}
    for stage, output in zip(stages, outputs[1:], strict=True):
        scale = max(1.0, float(np.abs(reference[stage]).max()))
        errors[stage] = float(np.abs(output - reference[stage]).max()) / scale
    return errors


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("alpha", WIDTHS)
def test_matches_ml_cvnets(alpha, size):
    errors = max_errors(alpha, size)
    assert errors["logits"] < 1e-4, errors
    assert len(errors) == (4 if size == "256x256" else 2), "the fixture's stage outputs were not all compared"
    for stage, error in errors.items():
        assert error < 1e-4, f"{stage}: {errors}"


def test_outputs_depend_on_the_input():
    """Guards the parity test itself: two different images must give clearly different logits."""
    reference = reference_io("0.5", "256x256")
    logits = reference["logits"]
    assert np.abs(logits[0] - logits[1]).max() > 0.05
