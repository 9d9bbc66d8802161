"""Convert any supported checkpoint into a Keras ``.weights.h5`` file for the model it describes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from keras_mv2.applications.mobilevitv2 import MobileViTv2
from keras_mv2.weights import (
    CheckpointError,
    assign_cvnets_state_dict,
    checkpoint_classes,
    fetch_published,
    published,
    read_state_dict,
    state_alpha,
)


def convert_checkpoint(
    checkpoint: str | Path, output: str | Path, alpha: float | None = None, include_top: bool = True
) -> Path:
    """Read a classification ``checkpoint`` (any form ``load_weights`` takes) and write ``output`` (``.weights.h5``).

    Width and class count default to what the checkpoint's shapes say. The file is written under a
    temporary name and renamed, so a failure never leaves a partial output.
    """
    output = Path(output)
    if not output.name.endswith(".weights.h5"):
        raise ValueError(f"{output}: the output name must end in .weights.h5")
    entry = published(checkpoint)
    if entry is not None:
        if entry.task != "classification":
            raise ValueError(f"'{checkpoint}' holds {entry.task} weights; convert-weights handles classifiers")
        if alpha is None:
            raise ValueError("give alpha to choose which width of a published checkpoint to convert")
        state = fetch_published(str(checkpoint), alpha)
    else:
        state = read_state_dict(checkpoint)
    if alpha is None:
        alpha = state_alpha(state)
        if alpha is None:
            raise CheckpointError(f"{checkpoint}: its channel widths match no published alpha; pass alpha")
    classes = checkpoint_classes(state) or 1000
    model = MobileViTv2(alpha=alpha, include_top=include_top, classes=classes, classifier_activation=None)
    assign_cvnets_state_dict(model, state, source=str(checkpoint))

    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".tmp-") as scratch:
        written = Path(scratch) / output.name  # Keras wants the .weights.h5 suffix on the name it writes
        model.save_weights(written)
        written.replace(output)
    return output
