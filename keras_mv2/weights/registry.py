"""Apple's published MobileViTv2 checkpoints: one table for classification, segmentation and detection.

Addresses and results: ml-cvnets' model zoo (see the project's reference notes). The base addresses can
be replaced by mirrors laid out like Apple's folders: ``KERAS_MV2_WEIGHTS_URL`` for classification,
``KERAS_MV2_DENSE_WEIGHTS_URL`` for segmentation and detection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from keras_mv2.architecture import PUBLISHED_ALPHAS
from keras_mv2.weights.errors import CheckpointError

TASKS = ("classification", "segmentation", "detection")

_APPLE = "https://docs-assets.developer.apple.com/ml-research/models/cvnets-v2/"
# task -> (default base address, environment variable naming a mirror)
BASE_URLS = {
    "classification": (f"{_APPLE}classification/mobilevitv2/", "KERAS_MV2_WEIGHTS_URL"),
    "segmentation": (_APPLE, "KERAS_MV2_DENSE_WEIGHTS_URL"),
    "detection": (_APPLE, "KERAS_MV2_DENSE_WEIGHTS_URL"),
}


@dataclass(frozen=True)
class PublishedCheckpoint:
    """One published family: a file per width under ``path`` (``{alpha}`` is filled in)."""

    name: str
    task: str
    path: str
    widths: tuple[float, ...]
    image_size: int  # the resolution it was trained and evaluated at
    classes: int  # as the checkpoint's head has them (detection: background included)
    dataset: str

    def url(self, alpha: float) -> str:
        """The download address of width ``alpha`` (a mirror's when its environment variable is set)."""
        if alpha not in self.widths:
            raise CheckpointError(f"'{self.name}' is published for alpha in {list(self.widths)}, not for alpha={alpha}")
        default, variable = BASE_URLS[self.task]
        base = os.environ.get(variable) or default
        return f"{base.rstrip('/')}/{self.path.format(alpha=float(alpha))}"

    @property
    def mirror_variable(self) -> str:
        return BASE_URLS[self.task][1]


_LARGE = (1.5, 1.75, 2.0)
PUBLISHED_CHECKPOINTS: dict[str, PublishedCheckpoint] = {
    entry.name: entry
    for entry in (
        PublishedCheckpoint("imagenet1k-256", "classification", "imagenet1k/256x256/mobilevitv2-{alpha}.pt",
                            PUBLISHED_ALPHAS, 256, 1000, "imagenet"),
        PublishedCheckpoint("imagenet1k-384", "classification", "imagenet1k/384x384/mobilevitv2-{alpha}.pt",
                            PUBLISHED_ALPHAS, 384, 1000, "imagenet"),
        PublishedCheckpoint("imagenet21k-ft1k-256", "classification",
                            "imagenet21k_to_1k/256x256/mobilevitv2-{alpha}.pt", _LARGE, 256, 1000, "imagenet"),
        PublishedCheckpoint("imagenet21k-ft1k-384", "classification",
                            "imagenet21k_to_1k/384x384/mobilevitv2-{alpha}.pt", _LARGE, 384, 1000, "imagenet"),
        PublishedCheckpoint("pascalvoc-deeplabv3", "segmentation",
                            "segmentation/pascalvoc/mobilevitv2/deeplabv3-mobilevitv2-{alpha}.pt",
                            (0.5, 1.0, 1.25, 1.5), 512, 21, "pascal_voc"),
        PublishedCheckpoint("ade20k-deeplabv3", "segmentation",
                            "segmentation/ade20k/mobilevitv2/deeplabv3-mobilevitv2-{alpha}.pt",
                            PUBLISHED_ALPHAS, 512, 150, "ade20k"),
        PublishedCheckpoint("coco-ssdlite", "detection", "detection/mobilevitv2/coco-ssd-mobilevitv2-{alpha}.pt",
                            PUBLISHED_ALPHAS, 320, 81, "coco"),
    )
}  # fmt: skip
ALIASES = {"imagenet": "imagenet1k-256"}


def published(name) -> PublishedCheckpoint | None:
    """The registry entry for a published name or alias, else ``None``."""
    if not isinstance(name, str):
        return None
    return PUBLISHED_CHECKPOINTS.get(ALIASES.get(name, name))


def published_names(task: str | None = None) -> list[str]:
    """The published names (and aliases) of ``task``, or of every task."""
    names = [n for n, entry in PUBLISHED_CHECKPOINTS.items() if task is None or entry.task == task]
    return sorted(names + [alias for alias, name in ALIASES.items() if name in names])


def checkpoint_url(name: str, alpha: float) -> str:
    """The download address of a published checkpoint at width ``alpha``."""
    entry = published(name)
    if entry is None:
        raise CheckpointError(f"'{name}' is not a published checkpoint; choose one of {published_names()}")
    return entry.url(alpha)
