"""Fixes for Keras 3.15's TensorFlow trainer under ``tf.distribute`` (applied by the trainer).

- ``patch_multi_worker_log_reduction``: Keras reduces each step's logs (scalar loss and metric values)
  across workers with ``strategy.reduce("MEAN", value, axis=0)``, which fails for scalars ("Invalid
  reduction dimension 0 for input with 0 dimensions") and stops ``fit`` at its first step under
  ``MultiWorkerMirroredStrategy``. Scalars are reduced with ``axis=None``; everything else goes to Keras'
  own function unchanged.
- ``build_from_shapes``: Keras builds a model under a strategy from a batch it takes from the data: with
  ``MultiWorkerMirroredStrategy`` that fails before the first step (``strategy.reduce`` on an ``(x, y)``
  tuple), and with ``MirroredStrategy`` it opens the shuffled data set once more, which advances the
  reshuffling, so the replicas train on another order than one process would.

(Gradient clipping before the cross-replica sum is fixed in ``keras_mv2.training.optimizer``.)
"""

from __future__ import annotations

import keras
import numpy as np

_patched = False


def patch_multi_worker_log_reduction() -> None:
    global _patched
    if _patched:
        return
    from keras.src import tree
    from keras.src.backend.tensorflow import trainer as tf_trainer

    original = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction not in ("auto", "mean") or not tf_trainer._collective_all_reduce_multi_worker(strategy):
            return original(values, strategy, reduction)

        def reduce(value):
            local = (
                strategy.experimental_local_results(value)[0] if tf_trainer._is_per_replica_instance(value) else value
            )
            return strategy.reduce("MEAN", value, axis=None if local.shape.rank == 0 else 0)

        return tree.map_structure(reduce, values)

    tf_trainer.reduce_per_replica = reduce_per_replica
    _patched = True


def build_from_shapes(model: keras.Model, image_size: int, classes: int) -> None:
    """Build metrics, loss and optimiser from shapes (no data), and skip ``fit``'s own first-batch build."""
    images = np.zeros((1, image_size, image_size, 3), "float32")
    model._symbolic_build(data_batch=(images, np.zeros((1, classes), "float32")))
    object.__setattr__(model, "_maybe_symbolic_build", lambda iterator=None, data_batch=None: None)
