"""Reading image files: the one decoder for classification, evaluation, calibration, demos and training.

Every command reads pictures through :func:`load_image`, so a file gives the same pixels everywhere.
What it does with the less common kinds of file:

- 16-bit samples (PNG ``I;16``, ``I``): the high byte, as Pillow does for 16-bit RGB and TensorFlow for
  any 16-bit PNG (``x * 257`` becomes ``x`` again). Pillow's own ``convert("RGB")`` clips them instead,
  which turns most of a 16-bit grey picture white.
- Transparency (``RGBA``, ``LA``, ``PA``, a palette with a transparent entry): composited on white, as a
  viewer shows it on a white page; dropping the alpha channel would show whatever colour the transparent
  pixels happen to store (often black, sometimes garbage).
- Palette, CMYK (Adobe's inverted CMYK JPEGs included), YCbCr, 1-bit: Pillow's conversion to RGB (CMYK
  without colour management).
- EXIF orientation: applied, so a phone photo is upright.
- More pixels than ``PIL.Image.MAX_IMAGE_PIXELS`` (a decompression bomb, or a giant scan): refused before
  decoding, as a ValueError naming the file.
- Animations: the first frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# The files a data-folder scan lists (the training pipeline reads them with load_image too).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"})

# The colour shown through transparent pixels.
BACKGROUND = 255


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as an ``(H, W, 3)`` uint8 RGB array (see the module's notes for the rules).

    Raises:
        FileNotFoundError: no such file.
        ValueError: not a readable image (unknown format, truncated or corrupt data, too many pixels);
            the message starts with the path.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such image file")
    try:
        with Image.open(path) as image:  # reads the header only
            _check_pixel_count(image.size)
            image = ImageOps.exif_transpose(image)  # decodes
            return image_to_rgb(image)
    except Image.DecompressionBombError as error:  # ours, or Pillow's for sizes found while decoding
        raise ValueError(f"{path}: refused as a possible decompression bomb ({error})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(f"{path}: not a readable image ({error})") from None


def image_to_rgb(image) -> np.ndarray:
    """A PIL image of any mode as ``(H, W, 3)`` uint8 RGB (16-bit to its high byte, alpha on white)."""
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        grey = (np.clip(np.asarray(image, np.int64), 0, 65535) >> 8).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=-1)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = np.asarray(image.convert("RGBA"), np.uint32)
        alpha = rgba[..., 3:]
        blended = (rgba[..., :3] * alpha + BACKGROUND * (255 - alpha) + 127) // 255
        return blended.astype(np.uint8)
    return np.asarray(image if image.mode == "RGB" else image.convert("RGB"))


def _check_pixel_count(size: tuple[int, int]) -> None:
    """Pillow only warns between ``MAX_IMAGE_PIXELS`` and twice that; refuse the whole range."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise Image.DecompressionBombError(
            f"{size[0]}x{size[1]} = {size[0] * size[1]} pixels, above the limit of {limit} "
            "(PIL.Image.MAX_IMAGE_PIXELS: raise it only for files you trust)"
        )
