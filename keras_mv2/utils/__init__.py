"""Helpers every floor of the package may use: file writing and image reading. They import nothing of keras_mv2."""

from keras_mv2.utils.files import write_atomically
from keras_mv2.utils.images import IMAGE_SUFFIXES, load_image

__all__ = ["IMAGE_SUFFIXES", "load_image", "write_atomically"]
