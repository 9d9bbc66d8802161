"""Hugging Face ``MobileViTV2ForImageClassification`` checkpoints: read them and rename to ml-cvnets keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from keras_mv2.utils.console import printable
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.torch_reader import read_torch_checkpoint
from keras_mv2.weights.validate import IGNORED_SUFFIXES

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
        return read_safetensors(path)
    return read_torch_checkpoint(path)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file as ``{name: ndarray}`` (bfloat16 widened to float32).

    The header is read here first, because the ``safetensors`` library lets the later of two entries of
    one name win and its NumPy loader fails with a bare ``TypeError`` / ``AttributeError`` on types NumPy
    lacks (bfloat16, float8); the library then checks every offset and size (``safetensors.deserialize``).
    """
    from safetensors import SafetensorError, deserialize

    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CheckpointError(f"{path}: cannot be read ({error.strerror or error})") from None
    header = _safetensors_header(data, str(path))
    try:
        views = deserialize(data)
    except (SafetensorError, ValueError) as error:
        raise CheckpointError(f"{path}: corrupt safetensors file ({str(error)[:200]})") from None
    state = {}
    for name, view in views:
        array = np.frombuffer(view["data"], "<u2" if view["dtype"] == "BF16" else _SAFETENSORS_TYPES[view["dtype"]])
        if view["dtype"] == "BF16":  # NumPy has no bfloat16: its 16 bits are float32's upper half
            array = (array.astype("<u4") << 16).view("<f4")
        state[name] = array.reshape(view["shape"])
    if len(state) != len(header):
        raise CheckpointError(f"{path}: the header lists {len(header)} tensors, the file holds {len(state)}")
    return state


# The safetensors types a checkpoint may hold: weights, and the integer counters BatchNorm keeps.
_SAFETENSORS_TYPES = {"F16": "<f2", "F32": "<f4", "F64": "<f8", "BF16": "<f4", "I64": "<i8", "I32": "<i4"}
_MAX_HEADER = 100_000_000  # the safetensors format's own limit


def _safetensors_header(data: bytes, source: str) -> dict:
    """The JSON header's tensor entries, refusing names given twice and types other than weights'."""
    if len(data) < 8:
        raise CheckpointError(f"{source}: corrupt safetensors file (shorter than its 8-byte header length)")
    length = int.from_bytes(data[:8], "little")
    if length > min(_MAX_HEADER, len(data) - 8):
        raise CheckpointError(f"{source}: corrupt safetensors file (a {length}-byte header in {len(data)} bytes)")

    def unique(pairs: list) -> dict:
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names):
            twice = next(name for name in names if names.count(name) > 1)
            raise CheckpointError(f"{source}: the header lists tensor '{printable(twice)}' twice")
        return dict(pairs)

    try:
        header = json.loads(data[8 : 8 + length].decode("utf-8"), object_pairs_hook=unique)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        if isinstance(error, CheckpointError):
            raise
        raise CheckpointError(f"{source}: corrupt safetensors file (header: {str(error)[:200]})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{source}: corrupt safetensors file (the header is not a JSON object)")
    header.pop("__metadata__", None)
    for name, entry in header.items():
        kind = entry.get("dtype") if isinstance(entry, dict) else None
        if kind not in _SAFETENSORS_TYPES or (kind.startswith("I") and not name.endswith(IGNORED_SUFFIXES)):
            raise CheckpointError(
                f"{source}: tensor '{printable(name)}' is of type {printable(str(kind))}; weights are F16, F32, F64 "
                "or BF16"
            )
    return header


def hf_to_cvnets(state: dict[str, np.ndarray], source: str = "checkpoint") -> dict[str, np.ndarray]:
    """Rename Hugging Face ``MobileViTV2`` keys to ml-cvnets keys; values are unchanged (both are PyTorch)."""
    renamed = {}
    for key, value in state.items():
        new_key = _rename(key)
        if new_key is None:
            raise CheckpointError(
                f"{source}: key '{printable(key)}' is not part of a Hugging Face MobileViTV2 classifier"
            )
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
