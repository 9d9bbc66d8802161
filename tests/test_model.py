"""The application: parameter counts, variants, feature maps, input sizes, save/load."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from conftest import checkpoint, reference_io

from keras_mv2.applications import (
    FEATURE_LAYERS,
    MobileViTv2,
    MobileViTv2_050,
    MobileViTv2_200,
    feature_extractor,
    stage_widths,
)

# Trainable parameters from the reference file (ml-cvnets' models, BatchNorm statistics excluded).
PAPER_PARAMETERS = {
    0.5: 1_370_593,
    0.75: 2_866_009,
    1.0: 4_901_841,
    1.25: 7_478_089,
    1.5: 10_594_753,
    1.75: 14_251_833,
    2.0: 18_449_329,
}


@pytest.mark.parametrize(("alpha", "expected"), sorted(PAPER_PARAMETERS.items()))
def test_trainable_parameters_equal_the_reference(alpha, expected):
    model = MobileViTv2(alpha)
    assert sum(int(np.prod(v.shape)) for v in model.trainable_weights) == expected


def test_named_width_constructors():
    assert MobileViTv2_050().name == "mobilevitv2_050"
    assert MobileViTv2_200(include_top=False, input_shape=(64, 64, 3)).output.shape[-1] == stage_widths(2.0)["layer_5"]


def test_any_width_builds_and_runs():
    model = MobileViTv2(0.6, input_shape=(64, 96, 3), classes=3)
    out = model.predict(np.zeros((1, 64, 96, 3), "float32"), verbose=0)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out.sum(), 1.0, rtol=1e-5)


@pytest.fixture(scope="module")
def backbone_05():
    return MobileViTv2(0.5, include_top=False, weights=str(checkpoint("0.5")))


@pytest.mark.parametrize(("pooling", "shape"), [(None, (2, 8, 8, 256)), ("avg", (2, 256)), ("max", (2, 256))])
def test_backbone_and_pooling(pooling, shape):
    reference = reference_io("0.5", "256x256")
    model = MobileViTv2(0.5, include_top=False, pooling=pooling, weights=str(checkpoint("0.5")))
    out = model.predict(reference["images"], verbose=0)
    assert out.shape == shape
    expected = {
        None: reference["layer_5"],
        "avg": reference["layer_5"].mean((1, 2)),
        "max": reference["layer_5"].max((1, 2)),
    }
    np.testing.assert_allclose(out, expected[pooling], atol=1e-3)


def test_feature_maps_by_name(backbone_05):
    reference = reference_io("0.5", "256x256")
    features = feature_extractor(backbone_05).predict(reference["images"], verbose=0)
    assert sorted(features) == ["stride_16", "stride_32", "stride_8"]
    for stride, stage in ((8, "layer_3"), (16, "layer_4"), (32, "layer_5")):
        np.testing.assert_allclose(features[f"stride_{stride}"], reference[stage], atol=1e-3)
    assert set(FEATURE_LAYERS) == {"stride_2", "stride_4", "stride_8", "stride_16", "stride_32"}
    with pytest.raises(ValueError, match="stride 64"):
        feature_extractor(backbone_05, strides=(64,))


def test_preprocessing_flag_changes_only_the_input_range():
    reference = reference_io("0.5", "256x256")
    raw = MobileViTv2(0.5, weights=str(checkpoint("0.5")), classifier_activation=None, include_preprocessing=False)
    logits = raw.predict(reference["images"] / 255.0, verbose=0)
    np.testing.assert_allclose(logits, reference["logits"], atol=1e-4)


def test_softmax_head_gives_probabilities():
    reference = reference_io("0.5", "256x256")
    probabilities = MobileViTv2(0.5, weights=str(checkpoint("0.5"))).predict(reference["images"], verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    logits = reference["logits"]
    expected = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(probabilities, expected / expected.sum(1, keepdims=True), atol=1e-6)


@pytest.mark.parametrize("size", ["224x224", "200x320", "256x256"])
def test_size_agnostic_model_matches_reference(size):
    """With input_shape=(None, None, 3) the odd-size resize is decided at run time."""
    model = MobileViTv2(0.5, weights=str(checkpoint("0.5")), classifier_activation=None, input_shape=(None, None, 3))
    reference = reference_io("0.5", size)
    logits = model.predict(reference["images"], verbose=0)
    np.testing.assert_allclose(logits, reference["logits"], atol=1e-4)


def test_input_tensor_argument():
    image = keras.Input((128, 128, 3))
    model = MobileViTv2(0.5, input_tensor=image, include_top=False, pooling="avg")
    assert model.inputs[0] is image and model.output.shape == (None, 256)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alpha": 0}, "alpha must be > 0"),
        ({"pooling": "sum"}, "pooling"),
        ({"input_shape": (16, 16, 3)}, "at least 32"),
        ({"input_shape": (64, 64, 1)}, "height, width, 3"),
        ({"classes": 0}, "classes"),
    ],
)
def test_invalid_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MobileViTv2(**kwargs)


def test_keras_file_round_trip_is_bit_exact(tmp_path):
    reference = reference_io("0.5", "224x224")
    model = MobileViTv2(0.5, weights=str(checkpoint("0.5")), input_shape=(224, 224, 3))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(
        loaded.predict(reference["images"], verbose=0), model.predict(reference["images"], verbose=0)
    )
    for original, restored in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(np.asarray(original), np.asarray(restored))


def test_weights_file_round_trip(tmp_path):
    model = MobileViTv2(0.5, weights=str(checkpoint("0.5")), classifier_activation=None)
    model.save_weights(tmp_path / "w.weights.h5")
    again = MobileViTv2(0.5, weights=str(tmp_path / "w.weights.h5"), classifier_activation=None)
    reference = reference_io("0.5", "256x256")
    np.testing.assert_allclose(again.predict(reference["images"], verbose=0), reference["logits"], atol=1e-4)


def test_a_model_saved_under_another_dtype_policy_loads_with_it(tmp_path):
    """A model trained with mixed precision (the recipe on GPUs) reloads in a plain float32 session.

    Every sub-layer must take its policy from its parent: a float32 sub-layer inside a float16 block
    makes the residual sums fail on load.
    """
    images = np.random.default_rng(0).uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = MobileViTv2(0.5, input_shape=(64, 64, 3), classes=5, classifier_activation=None)
        expected = model.predict(images, verbose=0)
        model.save(tmp_path / "mixed.keras")
    finally:
        keras.config.set_dtype_policy("float32")
    loaded = keras.models.load_model(tmp_path / "mixed.keras")
    layers = [
        layer for layer in loaded._flatten_layers(include_self=False) if not isinstance(layer, keras.layers.InputLayer)
    ]
    policies = {layer.dtype_policy.name for layer in layers}
    assert policies == {"mixed_float16"}, policies
    np.testing.assert_array_equal(loaded.predict(images, verbose=0), expected)
