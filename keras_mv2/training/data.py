"""Training data: an image folder (one sub-folder per class) or a TFDS name, as ``tf.data`` pipelines.

Training images get the paper's augmentation (random resized crop, flip, RandAugment, random erasing, then
MixUp or CutMix per batch) from Keras' preprocessing layers; evaluation images the reference transform
(short side to 288/256 of the size, bicubic, centre crop).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from keras_mv2.utils import IMAGE_SUFFIXES, load_image
from keras_mv2.utils.images import image_pixels, pixel_limit

# How deep images may lie under a class folder (a photo library's year/month/day is 3).
MAX_FOLDER_DEPTH = 32


class DatasetError(ValueError):
    """A data set that cannot be trained on; the message says which folder or file and why."""


@dataclass
class ImageFolder:
    files: list[str]
    labels: np.ndarray
    class_names: list[str]
    skipped: list[str] = field(default_factory=list)  # "path: why" of each unreadable image left out by the scan

    def __len__(self) -> int:
        return len(self.files)

    def split(self, validation_fraction: float, seed: int = 0) -> tuple[ImageFolder, ImageFolder]:
        """A stratified split: every class keeps at least one image on each side."""
        rng = np.random.default_rng(seed)
        train, held_out = [], []
        for label in range(len(self.class_names)):
            indices = rng.permutation(np.flatnonzero(self.labels == label))
            if len(indices) < 2:
                raise DatasetError(f"class '{self.class_names[label]}' has {len(indices)} image: need 2 to split")
            count = min(len(indices) - 1, max(1, round(validation_fraction * len(indices))))
            held_out += list(indices[:count])
            train += list(indices[count:])
        return self._subset(sorted(train)), self._subset(sorted(held_out))

    def _subset(self, indices) -> ImageFolder:
        return ImageFolder([self.files[i] for i in indices], self.labels[indices], self.class_names, self.skipped)


def scan_image_folder(
    root: str | Path, check_images: bool = True, skip_unreadable: bool = False, workers: int | None = None
) -> ImageFolder:
    """List ``root/<class>/<image>`` files; with ``check_images``, decode every image once.

    The check decodes with :func:`keras_mv2.utils.load_image`, the function the input pipeline uses, so a
    truncated or corrupt file is found here, by path, rather than as a TensorFlow error in the middle of
    ``fit``. ``skip_unreadable`` leaves such files out (listed in ``ImageFolder.skipped``) instead of failing.
    ``workers`` threads decode in parallel (default: one per CPU; Pillow decodes outside the GIL).

    Raises:
        DatasetError: no such folder, fewer than two classes, a class without images, a class folder that
            is a link into the data folder (its images would be listed twice, under two labels), or
            unreadable images (unless ``skip_unreadable``).
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: no such data folder")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DatasetError(f"{root}: no class folders (expected {root}/<class name>/<images>)")
    if len(classes) < 2:
        raise DatasetError(f"{root}: only one class ('{classes[0]}'); a classifier needs at least two")
    _refuse_links_into(root, classes)
    files, labels = [], []
    for label, name in enumerate(classes):
        images = _images_under(root / name)
        if not images:
            raise DatasetError(f"{root / name}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        files += images
        labels += [label] * len(images)
    skipped: list[str] = []
    if check_images:
        problems = _decoding_problems(files, workers or os.cpu_count() or 1)
        skipped = [problem for problem in problems if problem is not None]
        if skipped and not skip_unreadable:
            listed = "\n  ".join(skipped[:10]) + ("\n  ..." if len(skipped) > 10 else "")
            raise DatasetError(
                f"{root}: {len(skipped)} of {len(files)} images cannot be read:\n  {listed}\n"
                "Fix or remove them, or leave them out (skip_unreadable; `mv2 train --skip-unreadable-images`)."
            )
        kept = [index for index, problem in enumerate(problems) if problem is None]
        files, labels = [files[i] for i in kept], [labels[i] for i in kept]
        for label, name in enumerate(classes):
            if label not in labels:
                raise DatasetError(f"{root / name}: no readable images ({len(skipped)} skipped in {root})")
    return ImageFolder(files, np.array(labels, np.int32), classes, skipped)


def _images_under(folder: Path) -> list[str]:
    """The image files under ``folder``, sorted, at most :data:`MAX_FOLDER_DEPTH` folders deep.

    Walked with a list rather than ``Path.rglob``, which recurses once per level (a tree 1,500 deep was a
    RecursionError); like ``rglob``, links to folders are not followed.
    """
    found, pending = [], [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            raise DatasetError(f"{current}: cannot be listed ({error.strerror or error})") from None
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_FOLDER_DEPTH:
                    raise DatasetError(f"{folder}: folders nested more than {MAX_FOLDER_DEPTH} deep")
                pending.append((Path(entry.path), depth + 1))
            elif Path(entry.name).suffix.lower() in IMAGE_SUFFIXES and entry.is_file():
                found.append(entry.path)
    return sorted(found)


def _refuse_links_into(root: Path, classes: list[str]) -> None:
    """A class folder that links to the data folder, a folder inside it or above it lists images twice."""
    top = root.resolve()
    for name in classes:
        folder = root / name
        if not folder.is_symlink():
            continue
        target = folder.resolve()
        if target == top or top in target.parents or target in top.parents:
            raise DatasetError(
                f"{folder}: a link to {target}, inside (or above) the data folder {top}: its images would be "
                "listed under two labels. Use a copy, or a link to a folder outside the data folder."
            )


def _decoding_problems(files: list[str], workers: int) -> list[str | None]:
    """Decode every file once, in parallel within the memory of one picture at the pixel limit: pictures of
    up to ``limit / workers`` pixels go to the threads, larger ones are decoded one after another in this
    thread (a thread's allocator keeps what it freed for its own next picture, so two large pictures in two
    threads cost twice the memory even one after the other)."""
    share = pixel_limit() // workers
    small = [index for index, path in enumerate(files) if image_pixels(path) <= share]
    problems: list[str | None] = [None] * len(files)
    with ThreadPoolExecutor(workers) as pool:
        for index, problem in zip(small, pool.map(_decoding_problem, [files[i] for i in small]), strict=True):
            problems[index] = problem
    for index in sorted(set(range(len(files))) - set(small)):
        problems[index] = _decoding_problem(files[index])
    return problems


def _decoding_problem(path: str) -> str | None:
    try:
        load_image(path)
    except (ValueError, OSError) as error:  # OSError: the file vanished or cannot be opened
        return str(error) if str(error).startswith(path) else f"{path}: {error}"
    return None


def _decode(path):
    """Decode in the input pipeline with :func:`load_image`, the same pixels every other command sees; kept
    as uint8 (3 bytes a pixel, not float32's 12) until the crop and resize, which give float32."""
    import tensorflow as tf

    def read(name) -> np.ndarray:
        name = np.asarray(name).item()
        return load_image(name.decode() if isinstance(name, bytes) else name)

    image = tf.numpy_function(read, [path], tf.uint8, stateful=False, name="load_image")
    image.set_shape((None, None, 3))
    return image


def _random_resized_crop(image, size: int, scale: tuple[float, float], seed):
    import tensorflow as tf

    begin, extent, _ = tf.image.stateless_sample_distorted_bounding_box(
        tf.shape(image), tf.zeros((1, 0, 4)), seed=seed, area_range=scale, aspect_ratio_range=(3 / 4, 4 / 3),
        max_attempts=10, use_image_if_no_bounding_boxes=True,
    )  # fmt: skip
    crop = tf.slice(image, begin, extent)
    return tf.clip_by_value(tf.image.resize(crop, (size, size), method="bicubic"), 0, 255)


def _eval_resize(image, size: int):
    """Short side to ``size * 288/256``, centre crop to ``size``: only the crop is computed (TensorFlow's
    ``ScaleAndTranslate``, the kernel of its bicubic resize), never the whole resized picture, which for an
    extreme aspect ratio is a huge canvas (a 100000 x 1 picture: 34 GB)."""
    import tensorflow as tf

    short = math.floor(size * 288 / 256)
    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    resized = tf.maximum(tf.round(shape * short / tf.reduce_min(shape)), size)
    offset = tf.floor((resized - size) / 2)
    crop = tf.raw_ops.ScaleAndTranslate(
        images=image[None], size=[size, size], scale=resized / shape, translation=-offset,
        kernel_type="keyscubic", antialias=False,
    )[0]  # fmt: skip
    return tf.clip_by_value(crop, 0, 255)


@dataclass
class SplitData:
    """A data set split held by ``tf.data`` (a TFDS split, Fashion-MNIST): ``dataset`` yields
    ``(uint8 image (H, W, 1 or 3), integer label)``."""

    dataset: object
    class_names: list[str]
    count: int

    def __len__(self) -> int:
        return self.count


def load_tfds(name: str, split: str, data_dir: str | None = None) -> SplitData:
    """``tfds.load(name, split, as_supervised=True)`` with its class names (needs tensorflow-datasets)."""
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        raise DatasetError(
            f"tfds:{name}: tensorflow-datasets is not installed (pip install tensorflow-datasets)"
        ) from None
    try:
        dataset, info = tfds.load(name, split=split, as_supervised=True, with_info=True, data_dir=data_dir)
    except Exception as error:  # TFDS raises many kinds (unknown name, no download, missing split)
        raise DatasetError(f"tfds:{name} [{split}]: {error}") from None
    names = list(info.features["label"].names)
    if len(names) < 2:
        raise DatasetError(f"tfds:{name}: {len(names)} class; a classifier needs at least two")
    return SplitData(dataset, names, int(info.splits[split].num_examples))


def make_dataset(
    data: ImageFolder | SplitData,
    image_size: int,
    batch_size: int,
    training: bool,
    recipe=None,
    augment: bool = True,
    seed: int = 0,
):
    """Batches of ``(images in [0, 255], one-hot labels)``; ``augment=False`` leaves images as they are."""
    import keras
    import tensorflow as tf

    classes = len(data.class_names)
    if isinstance(data, SplitData):

        def as_rgb(image, label):
            image = tf.cast(image, tf.float32)
            return (tf.image.grayscale_to_rgb(image) if image.shape[-1] == 1 else image), label

        dataset = data.dataset.map(as_rgb)
    else:
        dataset = tf.data.Dataset.from_tensor_slices((data.files, data.labels))
    if training:  # seeded: the same order in every process, so distributed and single runs see the same batches
        dataset = dataset.shuffle(min(len(data), 10_000), seed=seed, reshuffle_each_iteration=True)
    if isinstance(data, ImageFolder):  # decoded after the shuffle: its buffer holds names, not pictures
        dataset = dataset.map(lambda path, label: (_decode(path), label), num_parallel_calls=tf.data.AUTOTUNE)
    if training and augment:
        # Each image's crop and flip come from its own seed pair, drawn from a seeded stream that changes
        # every epoch: stateful random ops in a parallel map depend on thread timing (irreproducible runs).
        element_seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)

        def load(example, element_seed):
            image, label = example
            crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(element_seed, 2))
            image = _random_resized_crop(image, image_size, recipe.crop_scale, crop_seed)
            image = tf.image.stateless_random_flip_left_right(image, seed=flip_seed)
            image.set_shape((image_size, image_size, 3))
            return image, tf.one_hot(label, classes)

        dataset = tf.data.Dataset.zip(dataset, element_seeds).map(load, num_parallel_calls=tf.data.AUTOTUNE)
    else:

        def load(image, label):
            image = _eval_resize(image, image_size)
            image.set_shape((image_size, image_size, 3))
            return image, tf.one_hot(label, classes)

        dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.batch(batch_size, drop_remainder=training)
    if training and augment:
        # Pinned to float32: under a float64 or mixed_float16 global policy Keras' image augmentation
        # layers mix dtypes and fail (or lose precision in half-precision pixels).
        per_image = []
        if recipe.randaugment:
            per_image.append(
                keras.layers.RandAugment(value_range=(0, 255), num_ops=2, factor=0.9, seed=seed, dtype="float32")
            )
        if recipe.random_erasing > 0:  # a (p, p) factor is "erase with probability p"
            probability = (recipe.random_erasing, recipe.random_erasing)
            per_image.append(
                keras.layers.RandomErasing(factor=probability, value_range=(0, 255), seed=seed, dtype="float32")
            )
        # A mixer whose alpha is 0 is off: Keras' MixUp(alpha=0) and CutMix(factor=0) still mix.
        mixers = []
        if recipe.mixup_alpha > 0:
            mixers.append(keras.layers.MixUp(alpha=recipe.mixup_alpha, seed=seed, dtype="float32"))
        if recipe.cutmix_alpha > 0:
            mixers.append(keras.layers.CutMix(factor=recipe.cutmix_alpha, seed=seed, dtype="float32"))

        def augment_batch(images, labels):
            for layer in per_image:
                images = layer(images, training=True)
            mixed = [mixer({"images": images, "labels": labels}, training=True) for mixer in mixers]
            if not mixed:
                return images, labels
            if len(mixed) == 1:
                return mixed[0]["images"], mixed[0]["labels"]
            use_mixup = tf.random.uniform(()) < 0.5  # one of the two per batch, as ml-cvnets does
            return (
                tf.where(use_mixup, mixed[0]["images"], mixed[1]["images"]),
                tf.where(use_mixup, mixed[0]["labels"], mixed[1]["labels"]),
            )

        if per_image or mixers:
            dataset = dataset.map(augment_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
