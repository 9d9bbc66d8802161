"""Convert any supported checkpoint into a Keras ``.weights.h5`` file for the model it describes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from keras_mv2.applications.tasks import classifier_from_state
from keras_mv2.weights import fetch_published, published, read_state_dict


def convert_checkpoint(
    checkpoint: str | Path, output: str | Path, alpha: float | None = None, include_top: bool = True
) -> Path:
    """Read a classification ``checkpoint`` (any form ``load_weights`` takes) and write ``output`` (``.weights.h5``).

    Width and class count default to what the checkpoint's shapes say. The destination is checked
    before the checkpoint is read (a conversion can take a while, and a download longer), and the file
    is written under a temporary name and renamed, so a failure never leaves a partial output.

    Raises:
        ValueError: a bad output name, the checkpoint itself, a folder of that name, or a place that
            cannot be written (``CheckpointError``, a ValueError, for checkpoints that do not fit).
    """
    output = Path(output)
    if not output.name.endswith(".weights.h5"):
        raise ValueError(f"{output}: the output name must end in .weights.h5")
    check_destination(output, inputs=[checkpoint])
    entry = published(checkpoint)
    if entry is not None:
        if entry.task != "classification":
            raise ValueError(f"'{checkpoint}' holds {entry.task} weights; convert-weights handles classifiers")
        if alpha is None:
            raise ValueError("give alpha to choose which width of a published checkpoint to convert")
        state = fetch_published(str(checkpoint), alpha)
    else:
        state = read_state_dict(checkpoint)
    model = classifier_from_state(state, str(checkpoint), alpha, include_top=include_top, classifier_activation=None)

    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=output.parent, prefix=".tmp-") as scratch:
            written = Path(scratch) / output.name  # Keras wants the .weights.h5 suffix on the name it writes
            model.save_weights(written)
            written.replace(output)
    except OSError as error:  # changed since the check: permissions, a folder or file put in the way, disk full
        raise ValueError(f"{output}: cannot write it ({error.strerror or error})") from None
    return output


def check_destination(output: Path, inputs: list = ()) -> None:
    """Refuse, before any work, an output that is one of the ``inputs``, a folder, or not writable."""
    for source in inputs:
        if isinstance(source, (str, Path)) and Path(source).exists() and Path(source).resolve() == output.resolve():
            raise ValueError(f"{output}: the output would overwrite the checkpoint it is converted from")
    if output.is_dir():
        raise ValueError(f"{output}: is a folder; give a file name ending in .weights.h5")
    folder = output.parent
    while not folder.exists() and folder != folder.parent:  # the folders to create go under the first that exists
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(f"{output}: cannot be created, {folder} is a file")
    if not os.access(folder, os.W_OK | os.X_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise ValueError(f"{output}: cannot write there (permission denied)")
