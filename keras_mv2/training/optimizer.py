"""AdamW whose gradient clipping sees the whole batch's gradient under ``tf.distribute``.

Keras 3.15 clips gradients (``clipnorm`` / ``global_clipnorm`` / ``clipvalue``) in
``BaseOptimizer._backend_apply_gradients`` and only afterwards, in the TensorFlow optimizer's
``_backend_update_step``, sums them over the replicas. Under ``MirroredStrategy`` or
``MultiWorkerMirroredStrategy`` each replica's gradient is its share of the global one, so the clip
threshold applies to the wrong vector: with N replicas a global norm of up to N x ``global_clipnorm``
passes, and which steps are clipped depends on how the batch was split (tests/test_training.py, in
float64: two workers end 20 steps at loss 2.274 where one process ends at 2.189; without clipping
they agree to 1e-11). This optimiser clips the summed gradient, so N replicas take the steps one
process takes.
"""

from __future__ import annotations

import keras


def _replicas_in_sync() -> int:
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    return context.num_replicas_in_sync if context is not None else 1


@keras.saving.register_keras_serializable(package="keras_mv2")
class AdamWClippedAfterAllReduce(keras.optimizers.AdamW):
    """``keras.optimizers.AdamW`` with clipping applied to the gradient summed over all replicas.

    Identical to ``AdamW`` in a single process (and on other backends); under a ``tf.distribute``
    strategy with several replicas the clipping moves from before the all-reduce to after it.
    """

    def _clip_gradients(self, grads):
        if _replicas_in_sync() > 1:
            return grads  # clipped in _all_reduce_sum_gradients, once the replicas' shares are summed
        return super()._clip_gradients(grads)

    def _all_reduce_sum_gradients(self, grads_and_vars):
        # Only the TensorFlow optimiser has (and calls) this step.
        summed = super()._all_reduce_sum_gradients(grads_and_vars)
        if _replicas_in_sync() <= 1:
            return summed
        grads = super()._clip_gradients([grad for grad, _ in summed])
        return [(grad, variable) for grad, (_, variable) in zip(grads, summed, strict=True)]
