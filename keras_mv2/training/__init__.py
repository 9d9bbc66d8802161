"""Training MobileViTv2: the paper's recipe, fine-tuning, resumable runs, tf.distribute (see ``trainer``)."""

from keras_mv2.training.data import DatasetError, ImageFolder, make_dataset, scan_image_folder
from keras_mv2.training.recipe import PER_WIDTH, Recipe, recipe_for
from keras_mv2.training.trainer import STRATEGIES, TrainConfig, build_classifier, choose_strategy, make_optimizer, train

__all__ = [
    "PER_WIDTH",
    "STRATEGIES",
    "DatasetError",
    "ImageFolder",
    "Recipe",
    "TrainConfig",
    "build_classifier",
    "choose_strategy",
    "make_dataset",
    "make_optimizer",
    "recipe_for",
    "scan_image_folder",
    "train",
]
