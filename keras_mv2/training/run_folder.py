"""A training output folder: the record of the run it holds (``run.json``) and that run's backup (``backup/``).

Two promises: a folder reused for another data set or model never resumes the other run's backup
silently, and a kill at any moment, even while a backup is being written, leaves the previous complete
backup usable.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import keras

from keras_mv2.utils import write_atomically

RECORD = "run.json"
BACKUP = "backup"
_STATE = "state.json"


class RunFolderError(ValueError):
    """An output folder that holds another run, or a backup that cannot be read; the message says which."""


def claim_output_folder(output: Path, record: dict, restart: bool) -> None:
    """Make ``output`` the folder of the run described by ``record`` (JSON-able), or refuse.

    A folder whose ``run.json`` describes another run (or that holds a backup but no record) is refused
    unless ``restart``: then the old backup and per-epoch checkpoints are deleted and the record replaced.
    """
    record = json.loads(json.dumps(record))  # the form it has once read back (lists, not tuples)
    path = output / RECORD
    try:
        previous = json.loads(path.read_text("utf-8")) if path.is_file() else None
    except (OSError, ValueError) as error:
        previous = {"unreadable": str(error)}
    backup = output / BACKUP
    if previous != record and (previous is not None or backup.exists()) and not restart:
        if previous is None:
            what = f"a backup ({backup}) but no {RECORD}, so which run it belongs to is unknown"
        else:
            changed = sorted(key for key in {*record, *previous} if record.get(key) != previous.get(key))
            what = "another run: " + "; ".join(
                f"{key} {previous.get(key)!r}, now {record.get(key)!r}" for key in changed
            )
        raise RunFolderError(
            f"{output} holds {what}. Choose another output folder, or start over in this one "
            "(TrainConfig(restart=True), `mv2 train --restart`: its backup and checkpoints are deleted)."
        )
    if restart:
        shutil.rmtree(backup, ignore_errors=True)
        for stale in (output / "checkpoints").glob("epoch_*.weights.h5"):
            stale.unlink()
    write_atomically(path, json.dumps(record, indent=2).encode())


class EpochBackup(keras.callbacks.Callback):
    """Keras' ``BackupAndRestore`` (at the end of every epoch), written so that a kill never spoils it.

    Each epoch's weights and optimiser state go to a new file, ``epoch-NNNN.weights.h5``; then
    ``state.json``, which names that file, replaces the previous one atomically, and only then are
    older files removed. A kill in the middle of a write leaves a file nothing names. Keras' own callback
    rewrites ``latest.weights.h5`` in place: a kill there left a file h5py cannot open, and every later run
    in the folder failed. Its ``double_checkpoint=True`` keeps a copy, but none for the first epoch, and
    falls back only on ``OSError``.

    :meth:`restore` is called before ``fit`` (which then gets ``initial_epoch``), and the folder is
    deleted by :meth:`delete` once the final model is saved.
    """

    def __init__(self, folder: str | Path):
        super().__init__()
        self.folder = Path(folder)

    def restore(self, model: keras.Model) -> int:
        """Load the last complete backup into ``model`` (compiled); returns the number of epochs it has done."""
        state_path = self.folder / _STATE
        if not state_path.is_file():
            return 0
        try:
            state = json.loads(state_path.read_text("utf-8"))
            epoch, name = int(state["epoch"]), str(state["weights"])
            if Path(name).name != name:
                raise ValueError(f"weights file {name!r} is not a plain name")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise RunFolderError(f"{state_path}: not a backup record ({error}); {self._remedy()}") from None
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)  # so that its state is loaded too
        try:
            model.load_weights(self.folder / name)
        except Exception as error:  # h5py and Keras raise many kinds for a damaged or foreign file
            raise RunFolderError(
                f"{self.folder / name}: the backup cannot be loaded ({type(error).__name__}: {error}); {self._remedy()}"
            ) from None
        return epoch

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{epoch + 1:04d}.weights.h5"
        self.model.save_weights(self.folder / name, overwrite=True)
        with open(self.folder / name, "rb+") as written:  # on disk before state.json names it
            os.fsync(written.fileno())
        write_atomically(self.folder / _STATE, json.dumps({"epoch": epoch + 1, "weights": name}).encode())
        for older in self.folder.glob("*.weights.h5"):
            if older.name != name:
                older.unlink(missing_ok=True)

    def delete(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _remedy(self) -> str:
        return f"delete {self.folder} or start over (TrainConfig(restart=True), `mv2 train --restart`)"
