"""Every tensor of a state dict checked before anything reads its shape, changes its layout or casts it.

The readers return whatever the file holds; a file can hold a 0-d stem kernel, a string or datetime
array, a tensor with a zero-size axis (no bytes, any declared length) or NaN. Width and class count are
read from shapes, and the layout changes of :mod:`keras_mv2.weights.assign` assume a rank, so all of that
is checked here, for the whole file, before the model is built or touched.
"""

from __future__ import annotations

import numpy as np

from keras_mv2.utils.console import printable
from keras_mv2.weights.errors import CheckpointError

# Checkpoint entries that carry no model state (BatchNorm's step counter): integer scalars, never loaded.
IGNORED_SUFFIXES = (".num_batches_tracked",)
# The float types weights come in; bfloat16 is widened to float32 by the readers.
WEIGHT_DTYPES = frozenset({"float16", "float32", "float64", "bfloat16"})
MAX_RANK = 4  # convolution kernels; everything else is 1-D or 2-D


def check_state_dict(state: dict, source: str) -> None:
    """Raise :class:`CheckpointError` (naming ``source`` and the tensor) unless every value is a weight:
    a NumPy array of a float type, of rank 1 to 4, with no zero-size axis, and finite.

    Keys must be text; integer scalars are accepted under :data:`IGNORED_SUFFIXES`.
    """
    if not state:
        raise CheckpointError(f"{source}: holds no tensors")
    for key, value in state.items():
        if not isinstance(key, str):
            raise CheckpointError(f"{source}: a tensor name is not text ({type(key).__name__})")
        where = f"{source}: tensor '{printable(key)}'"
        if not isinstance(value, np.ndarray):
            raise CheckpointError(f"{where} is a {type(value).__name__}, not an array")
        if key.endswith(IGNORED_SUFFIXES):
            if value.dtype.kind not in "iu" or value.size != 1:
                raise CheckpointError(f"{where} should be an integer counter, is {value.dtype} {value.shape}")
            continue
        if value.dtype.name not in WEIGHT_DTYPES:
            raise CheckpointError(
                f"{where} is of type {printable(str(value.dtype))}; weights are {', '.join(sorted(WEIGHT_DTYPES))}"
            )
        if not 1 <= value.ndim <= MAX_RANK:
            raise CheckpointError(f"{where} has rank {value.ndim} (shape {value.shape}); weights have rank 1 to 4")
        if value.size == 0:
            raise CheckpointError(f"{where} has shape {value.shape}: a zero-size axis, no values")
        if not np.isfinite(value).all():
            raise CheckpointError(f"{where} holds NaN or infinite values")
