"""Hugging Face ``MobileViTV2ForImageClassification`` checkpoints: read them and rename to ml-cvnets keys."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.torch_reader import read_torch_checkpoint

HF_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

# Hugging Face's module names -> ml-cvnets'.
_NAMES = {"expand_1x1": "exp_1x1", "reduce_1x1": "red_1x1", "convolution": "block.conv", "normalization": "block.norm"}
_STEM_RULE = (r"mobilevitv2\.conv_stem\.(convolution|normalization)\.(\w+)", "conv_1.{0}.{1}")
# Rules inside `mobilevitv2.encoder.layer.{stage - 1}.`; `{s}` is `layer_{stage}`.
_STAGE_RULES = (
    (r"layer\.(\d+)\.(expand_1x1|conv_3x3|reduce_1x1)\.(\w+)\.(\w+)", "{s}.{0}.block.{1}.{2}.{3}"),
    (r"downsampling_layer\.(expand_1x1|conv_3x3|reduce_1x1)\.(\w+)\.(\w+)", "{s}.0.block.{0}.{1}.{2}"),
    (r"conv_kxk\.(\w+)\.(\w+)", "{s}.1.local_rep.0.{0}.{1}"),
    (r"conv_1x1\.(convolution)\.(\w+)", "{s}.1.local_rep.1.{0}.{1}"),
    (r"transformer\.layer\.(\d+)\.layernorm_before\.(\w+)", "{s}.1.global_rep.{0}.pre_norm_attn.0.{1}"),
    (
        r"transformer\.layer\.(\d+)\.attention\.(qkv_proj|out_proj)\.(convolution)\.(\w+)",
        "{s}.1.global_rep.{0}.pre_norm_attn.1.{1}.{2}.{3}",
    ),
    (r"transformer\.layer\.(\d+)\.layernorm_after\.(\w+)", "{s}.1.global_rep.{0}.pre_norm_ffn.0.{1}"),
    (r"transformer\.layer\.(\d+)\.ffn\.conv1\.(convolution)\.(\w+)", "{s}.1.global_rep.{0}.pre_norm_ffn.1.{1}.{2}"),
    (r"transformer\.layer\.(\d+)\.ffn\.conv2\.(convolution)\.(\w+)", "{s}.1.global_rep.{0}.pre_norm_ffn.3.{1}.{2}"),
    # The final norm follows the attention units; its ml-cvnets index is set once they are counted.
    (r"layernorm\.(\w+)", "{s}.1.global_rep.final.{0}"),
    (r"conv_projection\.(\w+)\.(\w+)", "{s}.1.conv_proj.{0}.{1}"),
)


def is_hf_state_dict(state: dict[str, np.ndarray]) -> bool:
    return any(key.startswith("mobilevitv2.") for key in state)


def read_hf_checkpoint(path: str | Path) -> dict[str, np.ndarray]:
    """Read a Hugging Face checkpoint: a directory from ``save_pretrained`` or its weight file.

    ``.safetensors`` is read with the ``safetensors`` library (no code can be embedded in that format);
    ``.bin`` with the allow-list reader of :mod:`keras_mv2.weights.torch_reader`.
    """
    path = Path(path)
    if path.is_dir():
        found = [path / name for name in HF_WEIGHT_FILES if (path / name).is_file()]
        if not found:
            raise CheckpointError(f"{path}: directory holds none of {', '.join(HF_WEIGHT_FILES)}")
        path = found[0]
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        if not path.is_file():
            raise CheckpointError(f"{path}: no such checkpoint file")
        try:
            return load_file(str(path))
        except (SafetensorError, OSError, ValueError) as error:
            raise CheckpointError(f"{path}: corrupt safetensors file ({error})") from None
    return read_torch_checkpoint(path)


def hf_to_cvnets(state: dict[str, np.ndarray], source: str = "checkpoint") -> dict[str, np.ndarray]:
    """Rename Hugging Face ``MobileViTV2`` keys to ml-cvnets keys; values are unchanged (both are PyTorch)."""
    renamed = {}
    for key, value in state.items():
        new_key = _rename(key)
        if new_key is None:
            raise CheckpointError(f"{source}: key '{key}' is not part of a Hugging Face MobileViTV2 classifier")
        renamed[new_key] = value
    for key in [k for k in renamed if ".global_rep.final." in k]:
        stage_block = key.split(".global_rep.")[0]
        units = {
            k.split(".")[3] for k in renamed if k.startswith(f"{stage_block}.global_rep.") and "pre_norm_attn" in k
        }
        renamed[key.replace(".final.", f".{len(units)}.")] = renamed.pop(key)
    return renamed


def _rename(key: str) -> str | None:
    if key.startswith("classifier."):
        return "classifier.1." + key[len("classifier.") :]
    rules, stage = [_STEM_RULE], ""
    found = re.fullmatch(r"mobilevitv2\.encoder\.layer\.(\d+)\.(.+)", key)
    if found:
        rules, stage, key = _STAGE_RULES, f"layer_{int(found[1]) + 1}", found[2]
    for pattern, template in rules:
        match = re.fullmatch(pattern, key)
        if match:
            return template.format(*(_NAMES.get(g, g) for g in match.groups()), s=stage)
    return None
