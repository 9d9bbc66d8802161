"""One process of the two-worker test: train with the TF_CONFIG it is given (or alone) and save the weights.

Arguments: DATA OUTPUT STRATEGY [JSON recipe overrides].
"""

import json
import sys

import keras

from keras_mv2.training import TrainConfig, train

keras.config.disable_traceback_filtering()

if __name__ == "__main__":
    data, output, strategy = sys.argv[1:4]
    config = TrainConfig(
        data=data, output_dir=output, alpha=0.5, image_size=64, batch_size=16, epochs=1, augment=False,
        strategy=strategy, validation_fraction=0.2,
        recipe_overrides={
            "mixup_alpha": 0.0, "cutmix_alpha": 0.0, "learning_rate": 1e-3, "ema_momentum": 0.0,
            **json.loads(sys.argv[4] if len(sys.argv) > 4 else "{}"),
        },
    )  # fmt: skip
    summary = train(config, progress=0)
    print(json.dumps({"replicas": summary["replicas"], "loss": summary["history"]["loss"]}))
