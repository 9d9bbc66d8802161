"""Reading Apple's (ml-cvnets) and Hugging Face checkpoints into ``keras_mv2`` models.

Modules: ``registry`` (Apple's published checkpoints), ``download`` (fetch, check, convert, cache),
``hub`` (Hugging Face Hub ids), ``torch_reader`` / ``hf_keys`` (reading files without PyTorch),
``validate`` (every tensor's type, rank and values, checked before use), ``assign`` (the key-assignment
engine), ``cvnets_keys`` / ``dense_keys`` (the key maps per task), ``loader`` (``load_weights``, which
dispatches on all of the above).
"""

from keras_mv2.weights.cvnets_keys import assign_cvnets_state_dict, checkpoint_classes, infer_alpha, state_alpha
from keras_mv2.weights.dense_keys import assign_dense_state_dict
from keras_mv2.weights.download import fetch_published
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.hf_keys import hf_to_cvnets, read_hf_checkpoint
from keras_mv2.weights.loader import load_weights, model_task, read_state_dict
from keras_mv2.weights.registry import (
    PUBLISHED_CHECKPOINTS,
    TASKS,
    PublishedCheckpoint,
    checkpoint_url,
    published,
    published_names,
)
from keras_mv2.weights.torch_reader import read_torch_checkpoint

__all__ = [
    "PUBLISHED_CHECKPOINTS",
    "TASKS",
    "CheckpointError",
    "PublishedCheckpoint",
    "assign_cvnets_state_dict",
    "assign_dense_state_dict",
    "checkpoint_classes",
    "checkpoint_url",
    "fetch_published",
    "hf_to_cvnets",
    "infer_alpha",
    "load_weights",
    "model_task",
    "published",
    "published_names",
    "read_hf_checkpoint",
    "read_state_dict",
    "read_torch_checkpoint",
    "state_alpha",
]
