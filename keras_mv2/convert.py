"""Convert any supported checkpoint into a Keras ``.weights.h5`` file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from keras_mv2.weights.errors import CheckpointError


def convert_checkpoint(
    checkpoint: str | Path, output: str | Path, alpha: float | None = None, include_top: bool = True
) -> Path:
    """Read ``checkpoint`` (any form ``load_weights`` takes) and write ``output`` (``.weights.h5``).

    Width and class count default to what the checkpoint's shapes say. The file is written under a
    temporary name and renamed, so a failure never leaves a partial output.
    """
    from keras_mv2.applications import MobileViTv2
    from keras_mv2.weights import assign_cvnets_state_dict, read_state_dict
    from keras_mv2.weights.published import fetch_published, is_published_name

    output = Path(output)
    if not output.name.endswith(".weights.h5"):
        raise ValueError(f"{output}: the output name must end in .weights.h5")
    if is_published_name(checkpoint):
        if alpha is None:
            raise ValueError("give alpha to choose which width of a published checkpoint to convert")
        state = fetch_published(str(checkpoint), alpha)
    else:
        state = read_state_dict(checkpoint)
    alpha = alpha if alpha is not None else checkpoint_alpha(state, str(checkpoint))
    classifier = state.get("classifier.1.weight", state.get("classifier.fc.weight"))
    classes = int(classifier.shape[0]) if classifier is not None else 1000
    model = MobileViTv2(alpha=alpha, include_top=include_top, classes=classes, classifier_activation=None)
    assign_cvnets_state_dict(model, state, source=str(checkpoint))

    output.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=output.parent, prefix=".tmp-", suffix=".weights.h5")
    os.close(handle)
    try:
        model.save_weights(scratch)
        os.replace(scratch, output)
    finally:
        if os.path.exists(scratch):
            os.remove(scratch)
    return output


def checkpoint_alpha(state, source: str = "checkpoint") -> float:
    """The published width whose channel counts the state dict has."""
    from keras_mv2.applications.config import PUBLISHED_ALPHAS, stage_widths
    from keras_mv2.weights.cvnets_keys import config_signature, state_signature

    signature = state_signature(state)
    for alpha in PUBLISHED_ALPHAS:
        if config_signature(stage_widths(alpha)) == signature:
            return alpha
    raise CheckpointError(f"{source}: its channel widths {signature} match no published alpha; pass alpha")
