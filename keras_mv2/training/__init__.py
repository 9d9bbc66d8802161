"""Training MobileViTv2: the paper's recipe, fine-tuning, resumable runs, tf.distribute (see ``trainer``)."""

from keras_mv2.training.batchnorm import reestimate_batchnorm
from keras_mv2.training.data import DatasetError, ImageFolder, make_dataset, scan_image_folder
from keras_mv2.training.fashion_mnist import load_fashion_mnist, read_fashion_mnist
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
    "load_fashion_mnist",
    "make_dataset",
    "make_optimizer",
    "read_fashion_mnist",
    "recipe_for",
    "reestimate_batchnorm",
    "scan_image_folder",
    "train",
]
