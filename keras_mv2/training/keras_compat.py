"""A fix for Keras 3.15's TensorFlow trainer under ``MultiWorkerMirroredStrategy`` (applied by the trainer).

Keras reduces each step's logs (scalar loss and metric values) across workers with
``strategy.reduce("MEAN", value, axis=0)``, which fails for scalars ("Invalid reduction dimension 0 for
input with 0 dimensions") and stops ``fit`` at its first step. Scalars are reduced with ``axis=None``
here; everything else goes to Keras' own function unchanged.
"""

from __future__ import annotations

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
