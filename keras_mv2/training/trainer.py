"""Fine-tune or train MobileViTv2 with the paper's recipe, with Keras' own optimiser, callbacks and ``tf.distribute``.

Everything is a Keras/TensorFlow component: ``keras.optimizers.AdamW`` (weight decay off for norms and
biases, EMA of the weights, global-norm clipping; subclassed only to clip after the cross-replica sum, see
``optimizer``), ``CosineDecay`` with linear warm-up, label-smoothed
cross-entropy, a backup every epoch (``run_folder.EpochBackup``: a killed run resumes at the start of the
epoch it was in, and a kill while the backup is written leaves the previous one),
``ModelCheckpoint`` every epoch, ``TensorBoard``, and ``MirroredStrategy`` / ``MultiWorkerMirroredStrategy``
(``TF_CONFIG``) for more devices or machines.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import keras

from keras_mv2.training.data import DatasetError, ImageFolder, SplitData, load_tfds, make_dataset, scan_image_folder
from keras_mv2.training.fashion_mnist import NAME as FASHION_MNIST
from keras_mv2.training.fashion_mnist import load_fashion_mnist
from keras_mv2.training.keras_compat import build_from_shapes, patch_multi_worker_log_reduction
from keras_mv2.training.optimizer import AdamWClippedAfterAllReduce
from keras_mv2.training.recipe import Recipe, recipe_for
from keras_mv2.training.run_folder import BACKUP, EpochBackup, claim_output_folder


@dataclass
class TrainConfig:
    data: str  # an image folder (one sub-folder per class), "tfds:<name>" or "fashion-mnist"
    output_dir: str
    alpha: float = 1.0
    weights: str | None = None  # a classification checkpoint to start from (fine-tuning); None trains from scratch
    image_size: int = 256
    batch_size: int = 32  # global, over all devices and workers
    epochs: int = 10
    validation_data: str | None = None  # a second folder (a split name for tfds: and fashion-mnist); else a fraction
    train_limit: int | None = None  # fashion-mnist: train on its first N images (the files are in mixed class order)
    architecture: str = "mobilevitv2"  # or "mobilenetv2": keras.applications' CNN, a control for comparisons
    validation_fraction: float = 0.1
    tfds_data_dir: str | None = None  # where TFDS keeps prepared data sets (None: $TFDS_DATA_DIR or its default)
    augment: bool = True  # False: no augmentation (the order is a seeded shuffle either way)
    strategy: str = "auto"  # one of STRATEGIES
    seed: int = 0
    recipe_overrides: dict = field(default_factory=dict)  # any Recipe field, e.g. {"learning_rate": 1e-3}
    restart: bool = False  # start over in an output folder that holds a backup (of this or of another run)
    skip_unreadable_images: bool = False  # image folders: leave out images that cannot be decoded (else fail)


# See choose_strategy for what "auto" picks.
STRATEGIES = ("auto", "none", "mirrored", "multi_worker")


def choose_strategy(name: str):
    """``auto``: multi-worker when ``TF_CONFIG`` names a cluster, mirrored with several GPUs, else the default.

    ``mirrored`` replicates over all local GPUs or, without GPUs, over all logical CPU devices (one unless
    ``tf.config.set_logical_device_configuration`` split the CPU, as the tests do).
    """
    import tensorflow as tf

    if name == "auto":
        name = (
            "multi_worker"
            if "TF_CONFIG" in os.environ
            else "mirrored"
            if len(tf.config.list_logical_devices("GPU")) > 1
            else "none"
        )
    if name == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "mirrored":  # every local GPU, else every logical CPU device
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        return tf.distribute.MirroredStrategy([device.name for device in devices])
    if name == "none":
        return tf.distribute.get_strategy()
    raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {name!r}")


def build_classifier(
    alpha: float, classes: int, image_size: int, weights: str | None, architecture: str = "mobilevitv2"
) -> keras.Model:
    """MobileViTv2 with a new ``classes``-way head; the backbone comes from ``weights`` when given.

    ``architecture="mobilenetv2"``: ``keras.applications.MobileNetV2`` of width ``alpha`` from scratch, behind
    a ``Rescaling`` to its [-1, 1] input so that it takes [0, 255] pixels as MobileViTv2 does (an ordinary CNN
    to compare with, trained by the same recipe).
    """
    from keras_mv2.applications import MobileViTv2

    if architecture == "mobilenetv2":
        if weights is not None:
            raise ValueError("the MobileNetV2 control trains from scratch: weights must be None")
        image = keras.Input((image_size, image_size, 3), name="image")
        x = keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="rescaling")(image)
        base = keras.applications.MobileNetV2(
            input_shape=(image_size, image_size, 3), alpha=alpha, include_top=False, weights=None, pooling="avg"
        )
        for layer in base.layers:  # MobileViTv2's BatchNorm momentum (ml-cvnets' 0.1); Keras' 0.999 leaves the
            if isinstance(layer, keras.layers.BatchNormalization):  # moving statistics unusable for thousands of steps
                layer.momentum = 0.9
        return keras.Model(image, keras.layers.Dense(classes, name="classifier")(base(x)), name="mobilenetv2")
    if architecture != "mobilevitv2":
        raise ValueError(f"architecture must be mobilevitv2 or mobilenetv2, got {architecture!r}")
    model = MobileViTv2(alpha, classes=classes, input_shape=(image_size, image_size, 3), classifier_activation=None)
    if weights is not None:
        backbone = MobileViTv2(alpha, include_top=False, weights=weights, input_shape=(image_size, image_size, 3))
        for layer in backbone.layers:
            if layer.weights:
                model.get_layer(layer.name).set_weights(layer.get_weights())
    return model


def make_optimizer(recipe: Recipe, total_steps: int) -> keras.optimizers.Optimizer:
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=recipe.warmup_start,
        warmup_target=recipe.learning_rate,
        warmup_steps=recipe.warmup_steps,
        decay_steps=max(1, total_steps - recipe.warmup_steps),
        alpha=recipe.min_learning_rate_ratio,
    )
    optimizer = AdamWClippedAfterAllReduce(
        learning_rate=schedule,
        weight_decay=recipe.weight_decay,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        global_clipnorm=recipe.clip_global_norm,
        use_ema=recipe.ema_momentum > 0,
        ema_momentum=recipe.ema_momentum,
    )
    # No decay on norms and biases (ml-cvnets excludes every 1-D parameter).
    optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    return optimizer


def _load_data(config: TrainConfig) -> tuple[ImageFolder | SplitData, ImageFolder | SplitData]:
    if config.data == FASHION_MNIST:  # the standard split; validation on the 10k test images unless told
        validation = config.validation_data or "test"
        return load_fashion_mnist("train", config.train_limit), load_fashion_mnist(validation)
    if config.data.startswith("tfds:"):
        name = config.data.removeprefix("tfds:")
        validation = config.validation_data or "validation"
        return load_tfds(name, "train", config.tfds_data_dir), load_tfds(name, validation, config.tfds_data_dir)
    train = scan_image_folder(config.data, skip_unreadable=config.skip_unreadable_images)
    if config.validation_data:
        validation = scan_image_folder(config.validation_data, skip_unreadable=config.skip_unreadable_images)
        if validation.class_names != train.class_names:
            raise DatasetError(
                f"{config.validation_data}: classes {validation.class_names} differ from {train.class_names}"
            )
        return train, validation
    return train.split(config.validation_fraction, config.seed)


def train(config: TrainConfig, progress: int | str = "auto") -> dict:
    """Train; returns a summary (and writes it to ``<output_dir>/summary.json``).

    Writes ``run.json`` (what the run trains on: data, classes, width, size, schedule), ``model.keras``
    (final, EMA weights), ``checkpoints/epoch_NNN.weights.h5``, ``logs/`` (TensorBoard) and keeps
    ``backup/`` while training, from which an interrupted run with the same ``run.json`` resumes. A folder
    recording another run is refused unless ``config.restart``.
    """
    import tensorflow as tf

    keras.utils.set_random_seed(config.seed)
    output = Path(config.output_dir)
    output.mkdir(parents=True, exist_ok=True)
    train_data, validation_data = _load_data(config)
    classes = len(train_data.class_names)
    claim_output_folder(output, run_record(config, train_data.class_names), config.restart)
    skipped = getattr(train_data, "skipped", [])
    if skipped:
        print(f"left out {len(skipped)} unreadable images:\n  " + "\n  ".join(skipped))
    strategy = choose_strategy(config.strategy)
    steps_per_epoch = len(train_data) // config.batch_size
    if steps_per_epoch == 0:
        raise DatasetError(
            f"{config.data}: {len(train_data)} training images, fewer than one batch of {config.batch_size}"
        )
    recipe = replace(recipe_for(config.alpha), **config.recipe_overrides)
    recipe = recipe.for_fine_tuning(config.epochs, config.batch_size, steps_per_epoch)
    if recipe.mixed_precision and tf.config.list_physical_devices("GPU"):
        keras.mixed_precision.set_global_policy("mixed_float16")

    train_ds = make_dataset(train_data, config.image_size, config.batch_size, True, recipe, config.augment, config.seed)
    val_ds = make_dataset(validation_data, config.image_size, config.batch_size, False)
    distributed = strategy is not tf.distribute.get_strategy()  # checked outside the strategy's scope
    with strategy.scope():
        model = build_classifier(config.alpha, classes, config.image_size, config.weights, config.architecture)
        if strategy.num_replicas_in_sync > 1:
            # Batch statistics over the global batch, so that N workers train exactly like one.
            for layer in model._flatten_layers(include_self=False):
                if isinstance(layer, keras.layers.BatchNormalization):
                    layer.synchronized = True
        model.compile(
            optimizer=make_optimizer(recipe, config.epochs * steps_per_epoch),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=recipe.label_smoothing),
            metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
        )
        if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
            patch_multi_worker_log_reduction()
        if distributed:
            build_from_shapes(model, config.image_size, classes)
        backup = EpochBackup(output / BACKUP)
        initial_epoch = backup.restore(model)
    callbacks = [
        backup,
        keras.callbacks.ModelCheckpoint(
            str(output / "checkpoints" / "epoch_{epoch:03d}.weights.h5"), save_weights_only=True
        ),
        keras.callbacks.TensorBoard(str(output / "logs")),
    ]
    history = model.fit(
        train_ds, validation_data=val_ds, epochs=config.epochs, steps_per_epoch=steps_per_epoch,
        callbacks=callbacks, verbose=progress, initial_epoch=initial_epoch,
    )  # fmt: skip
    model.save(output / "model.keras")
    _, accuracy = model.evaluate(val_ds, verbose=0)
    summary = {
        "config": asdict(config),
        "recipe": asdict(recipe),
        "classes": train_data.class_names,
        "train_images": len(train_data),
        "validation_images": len(validation_data),
        "skipped_images": skipped,
        "history": {k: [float(v) for v in values] for k, values in history.history.items()},
        "validation_accuracy": float(accuracy),
        "replicas": strategy.num_replicas_in_sync,
    }
    (output / "summary.json").write_text(json.dumps(summary, indent=2))
    backup.delete()  # only now: a kill before this point resumes from it
    return summary


def run_record(config: TrainConfig, class_names: list[str]) -> dict:
    """What a run trains on and how, as ``run.json`` keeps it: a resumed run must match it exactly.

    Folders are recorded by their absolute path; where the folder is written and how many devices
    train (``strategy``) may change between a run and its resumption.
    """

    def where(source: str | None) -> str | None:
        if source is None or source == FASHION_MNIST or source.startswith("tfds:") or not Path(source).exists():
            return source
        return str(Path(source).resolve())

    return {
        "data": where(config.data),
        "validation_data": where(config.validation_data),
        "validation_fraction": config.validation_fraction,
        "train_limit": config.train_limit,
        "class_names": list(class_names),
        "classes": len(class_names),
        "alpha": config.alpha,
        "image_size": config.image_size,
        "weights": where(config.weights),
        "batch_size": config.batch_size,
        "epochs": config.epochs,
        "augment": config.augment,
        "seed": config.seed,
        "recipe_overrides": config.recipe_overrides,
    }
