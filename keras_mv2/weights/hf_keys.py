"""Hugging Face ``MobileViTV2ForImageClassification`` checkpoints: read them and rename to ml-cvnets keys."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.torch_reader import read_torch_checkpoint

HF_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

_SUBLAYERS = {"expand_1x1": "exp_1x1", "conv_3x3": "conv_3x3", "reduce_1x1": "red_1x1"}
_LEAVES = {"convolution": "block.conv", "normalization": "block.norm"}


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
        units = {k.split(".")[3] for k in renamed if k.startswith(f"{stage_block}.global_rep.") and "pre_norm_attn" in k}
        renamed[key.replace(".final.", f".{len(units)}.")] = renamed.pop(key)
    return renamed


def _rename(key: str) -> str | None:
    if key.startswith("classifier."):
        return "classifier.1." + key[len("classifier.") :]
    match = re.fullmatch(r"mobilevitv2\.conv_stem\.(convolution|normalization)\.(\w+)", key)
    if match:
        return f"conv_1.{_LEAVES[match[1]]}.{match[2]}"
    match = re.fullmatch(r"mobilevitv2\.encoder\.layer\.(\d+)\.(.+)", key)
    if not match:
        return None
    stage, rest = f"layer_{int(match[1]) + 1}", match[2]
    patterns = (
        (r"layer\.(\d+)\.(\w+)\.(convolution|normalization)\.(\w+)",
         lambda m: f"{stage}.{m[1]}.block.{_SUBLAYERS.get(m[2], '?')}.{_LEAVES[m[3]]}.{m[4]}"),
        (r"downsampling_layer\.(\w+)\.(convolution|normalization)\.(\w+)",
         lambda m: f"{stage}.0.block.{_SUBLAYERS.get(m[1], '?')}.{_LEAVES[m[2]]}.{m[3]}"),
        (r"conv_kxk\.(convolution|normalization)\.(\w+)", lambda m: f"{stage}.1.local_rep.0.{_LEAVES[m[1]]}.{m[2]}"),
        (r"conv_1x1\.convolution\.(\w+)", lambda m: f"{stage}.1.local_rep.1.block.conv.{m[1]}"),
        (r"transformer\.layer\.(\d+)\.layernorm_before\.(\w+)", lambda m: f"{stage}.1.global_rep.{m[1]}.pre_norm_attn.0.{m[2]}"),
        (r"transformer\.layer\.(\d+)\.attention\.(qkv_proj|out_proj)\.convolution\.(\w+)",
         lambda m: f"{stage}.1.global_rep.{m[1]}.pre_norm_attn.1.{m[2]}.block.conv.{m[3]}"),
        (r"transformer\.layer\.(\d+)\.layernorm_after\.(\w+)", lambda m: f"{stage}.1.global_rep.{m[1]}.pre_norm_ffn.0.{m[2]}"),
        (r"transformer\.layer\.(\d+)\.ffn\.conv1\.convolution\.(\w+)", lambda m: f"{stage}.1.global_rep.{m[1]}.pre_norm_ffn.1.block.conv.{m[2]}"),
        (r"transformer\.layer\.(\d+)\.ffn\.conv2\.convolution\.(\w+)", lambda m: f"{stage}.1.global_rep.{m[1]}.pre_norm_ffn.3.block.conv.{m[2]}"),
        # The final norm sits after the attention units; its cvnets index is filled in by the mapper.
        (r"layernorm\.(\w+)", lambda m: f"{stage}.1.global_rep.final.{m[1]}"),
        (r"conv_projection\.(convolution|normalization)\.(\w+)", lambda m: f"{stage}.1.conv_proj.{_LEAVES[m[1]]}.{m[2]}"),
    )
    for pattern, build in patterns:
        found = re.fullmatch(pattern, rest)
        if found:
            new_key = build(found)
            return None if "?" in new_key else new_key
    return None
