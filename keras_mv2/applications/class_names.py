"""Class names of the data sets Apple's checkpoints were trained on, bundled with the package."""

from __future__ import annotations

from importlib import resources

from keras_mv2.applications.imagenet_utils import imagenet_classes

_FILES = {"pascal_voc": "pascal_voc_classes.txt", "coco": "coco_classes.txt"}  # both with background first
# The data set a class count most likely means when none is named.
_BY_COUNT = {1000: "imagenet", 21: "pascal_voc", 81: "coco"}


def class_names(dataset: str | None, count: int) -> list[str]:
    """``count`` names for ``dataset`` (``imagenet``, ``pascal_voc``, ``coco``; ``None``: guessed from ``count``).

    Numbered names (``class_0`` ...) where the data set has no bundled names (ADE20K) or another count.
    """
    dataset = dataset or _BY_COUNT.get(count)
    names: list[str] = []
    if dataset == "imagenet":
        names = [name for _, name in imagenet_classes()]
    elif dataset in _FILES:
        names = resources.files(__package__).joinpath(_FILES[dataset]).read_text("utf-8").splitlines()
    return names if len(names) == count else [f"class_{i}" for i in range(count)]
