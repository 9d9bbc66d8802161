"""Reading Apple's (ml-cvnets) and Hugging Face checkpoints into ``keras_mv2`` models."""

from keras_mv2.weights.cvnets_keys import assign_cvnets_state_dict
from keras_mv2.weights.errors import CheckpointError
from keras_mv2.weights.hf_keys import hf_to_cvnets, read_hf_checkpoint
from keras_mv2.weights.loader import load_weights, read_state_dict
from keras_mv2.weights.published import PUBLISHED_CHECKPOINTS, checkpoint_url, fetch_published
from keras_mv2.weights.torch_reader import read_torch_checkpoint

__all__ = [
    "PUBLISHED_CHECKPOINTS",
    "CheckpointError",
    "assign_cvnets_state_dict",
    "checkpoint_url",
    "fetch_published",
    "hf_to_cvnets",
    "load_weights",
    "read_hf_checkpoint",
    "read_state_dict",
    "read_torch_checkpoint",
]
