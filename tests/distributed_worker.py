"""One process of the distributed-training test: train alone, as one of the TF_CONFIG workers, or mirrored
over the CPU split into two devices, then save the weights.

Arguments: DATA OUTPUT STRATEGY (none, multi_worker or mirrored) [JSON recipe overrides]. The recipe
is the paper's for MobileViTv2-0.5 (AdamW with its weight decay, warm-up, cosine, label smoothing,
global-norm clipping, EMA) without the random augmentations, whose draws depend on the process.
Everything runs in float64, so that what is compared is the arithmetic of the step, not float32
rounding (which 20 Adam steps amplify past any useful tolerance).
"""

import json
import sys

import keras
import numpy as np

from keras_mv2.training import TrainConfig, build_classifier, train

keras.config.disable_traceback_filtering()
keras.config.set_dtype_policy("float64")

if __name__ == "__main__":
    data, output, strategy = sys.argv[1:4]
    if strategy == "mirrored":  # two replicas in this process: the CPU as two logical devices
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    overrides = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    config = TrainConfig(
        data=data, output_dir=output, alpha=0.5, image_size=64, batch_size=16, epochs=1, augment=False,
        strategy=strategy, validation_fraction=0.2,
        recipe_overrides={"mixup_alpha": 0.0, "cutmix_alpha": 0.0, **overrides},
    )  # fmt: skip
    summary = train(config, progress=0)
    keras.utils.set_random_seed(config.seed)  # the initial weights again (train() seeds the same way)
    initial = build_classifier(config.alpha, len(summary["classes"]), config.image_size, None)
    final = keras.models.load_model(f"{output}/model.keras")
    moved = max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
        for a, b in zip(initial.trainable_weights, final.trainable_weights, strict=True)
    )
    print(json.dumps({"replicas": summary["replicas"], "loss": summary["history"]["loss"], "moved": moved}))
