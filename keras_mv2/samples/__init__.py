"""Photographs bundled with the package (see this folder's README.md), for demos and export checks."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_images() -> list[Path]:
    """Paths of the bundled ``.jpg`` photographs, sorted by name."""
    folder = resources.files(__name__)
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".jpg"))
