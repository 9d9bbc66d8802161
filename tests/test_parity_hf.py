"""Parity with Hugging Face transformers' MobileViTV2ForImageClassification (an independent PyTorch port)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import SAMPLES
from transformers import MobileViTV2Config, MobileViTV2ForImageClassification

from keras_mv2.applications import MobileViTv2, eval_transform

CLASSES = 7


def healthy_random_hf_model(alpha: float, seed: int) -> MobileViTV2ForImageClassification:
    """A random HF model in eval mode whose every parameter and BN statistic influences the output.

    HF's own initialisation (std 0.02, identity norms, zero BN statistics) would make most of the
    network close to a no-op, so everything is redrawn with variance-preserving scales.
    """
    torch.manual_seed(seed)
    model = MobileViTV2ForImageClassification(MobileViTV2Config(width_multiplier=alpha, num_labels=CLASSES)).eval()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if not tensor.is_floating_point():
                continue
            if tensor.ndim > 1:  # conv and linear weights
                fan_in = math.prod(tensor.shape[1:])
                tensor.copy_(torch.randn(tensor.shape, generator=generator) / math.sqrt(fan_in))
            elif name.endswith("running_var") or name.endswith("weight"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            else:  # biases and running means
                tensor.copy_(0.1 * torch.randn(tensor.shape, generator=generator))
    return model


def sample_batch(height: int, width: int) -> np.ndarray:
    photos = [eval_transform(SAMPLES / name, (height, width)) for name in ("chelsea.jpg", "rocket.jpg")]
    return np.stack(photos)


# Only sides that are multiples of 64: where a block sees an odd size, Hugging Face's port resizes
# differently from ml-cvnets (logits differ by about 0.4 at 224x224), and we follow ml-cvnets, whose
# own outputs test_parity_cvnets.py checks at those sizes.
@pytest.mark.parametrize(
    ("alpha", "height", "width", "file_format"),
    [(0.5, 256, 256, "safetensors"), (0.75, 384, 384, "bin"), (1.0, 256, 256, "safetensors")],
)
def test_matches_hugging_face(tmp_path, alpha, height, width, file_format):
    hf_model = healthy_random_hf_model(alpha, seed=int(alpha * 100))
    if file_format == "safetensors":
        hf_model.save_pretrained(tmp_path, safe_serialization=True)
        weights = tmp_path  # the directory, as save_pretrained leaves it
        assert (tmp_path / "model.safetensors").is_file()
    else:
        weights = tmp_path / "pytorch_model.bin"
        torch.save(hf_model.state_dict(), weights)

    images = sample_batch(height, width)
    with torch.no_grad():
        expected = hf_model(pixel_values=torch.from_numpy(images.transpose(0, 3, 1, 2) / 255.0).float()).logits.numpy()
    assert np.abs(expected[0] - expected[1]).max() > 0.05, "the reference model ignores its input"

    model = MobileViTv2(
        alpha, weights=str(weights), classes=CLASSES, classifier_activation=None, input_shape=(height, width, 3)
    )
    logits = model.predict(images, verbose=0)
    assert np.abs(logits - expected).max() < 1e-4
