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
- Only the formats of :data:`IMAGE_SUFFIXES` are decoded, whatever a file's name says: Pillow would hand
  PostScript (EPS) to Ghostscript and try a few dozen other formats.
- A JPEG with more than :data:`MAX_JPEG_SCANS` scans is refused before decoding: libjpeg decodes every
  scan of a progressive file (35,000 scans in 1.4 MB took 88 s) and Pillow offers no bound.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# The files a data-folder scan lists (the training pipeline reads them with load_image too).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"})
# Pillow's decoders for those (its JPEG decoder also opens the multi-picture "MPO" JPEGs of some cameras).
IMAGE_FORMATS = ("JPEG", "PNG", "BMP", "GIF", "WEBP")
# A progressive JPEG has about 10 scans (one per band and refinement); encoders that optimise them, a few dozen.
MAX_JPEG_SCANS = 100

# The colour shown through transparent pixels.
BACKGROUND = 255
_BLOCK_PIXELS = 1 << 20  # pixels composited at a time


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
        with Image.open(path, formats=IMAGE_FORMATS) as image:  # reads the header only
            _check_pixel_count(image.size)
            if image.format in ("JPEG", "MPO"):
                _check_jpeg_scans(path)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of an upright picture
            return image_to_rgb(image)
    except Image.DecompressionBombError as error:  # ours, or Pillow's for sizes found while decoding
        raise ValueError(f"{path}: refused as a possible decompression bomb ({error})") from None
    except UnidentifiedImageError:
        raise ValueError(f"{path}: not a readable image: not a JPEG, PNG, BMP, GIF or WebP file") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValueError(f"{path}: not a readable image ({error})") from None


def image_to_rgb(image) -> np.ndarray:
    """A PIL image of any mode as ``(H, W, 3)`` uint8 RGB (16-bit to its high byte, alpha on white).

    Converted a block of rows at a time into the result: whole-image conversions and NumPy's copy of a PIL
    image (which Pillow first joins into one ``bytes``) each took another copy, 60 bytes a pixel in all for
    RGBA; this takes the result's 3 and a block's.
    """
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        convert = _high_byte
    elif image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        convert = _on_white
    else:
        convert = _rgb
    width, height = image.size
    out = np.empty((height, width, 3), np.uint8)
    rows = max(1, _BLOCK_PIXELS // max(1, width))
    for top in range(0, height, rows):
        out[top : top + rows] = convert(image.crop((0, top, width, min(height, top + rows))))
    return out


def _high_byte(block) -> np.ndarray:
    grey = np.asarray(block)
    if grey.dtype.kind == "i":  # mode I: 32-bit
        grey = np.clip(grey, 0, 65535)
    return (grey >> 8).astype(np.uint8)[..., None]


def _on_white(block) -> np.ndarray:
    """Composited on white in 16-bit arithmetic (255 * 255 + 127 fits)."""
    rgba = np.asarray(block.convert("RGBA"), np.uint16)
    alpha = rgba[..., 3:]
    return (rgba[..., :3] * alpha + BACKGROUND * (255 - alpha) + 127) // 255


def _rgb(block) -> np.ndarray:
    return np.asarray(block if block.mode == "RGB" else block.convert("RGB"))


def _check_pixel_count(size: tuple[int, int]) -> None:
    """Pillow only warns between ``MAX_IMAGE_PIXELS`` and twice that; refuse the whole range."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise Image.DecompressionBombError(
            f"{size[0]}x{size[1]} = {size[0] * size[1]} pixels, above the limit of {limit} "
            "(PIL.Image.MAX_IMAGE_PIXELS: raise it only for files you trust)"
        )


def _check_jpeg_scans(path: Path) -> None:
    """Refuse a JPEG with more than :data:`MAX_JPEG_SCANS` start-of-scan markers.

    Counted as the bytes ``FF DA`` in the file: entropy-coded data never holds them (a coded ``FF`` is
    followed by ``00``), so only a marker or bytes inside a metadata segment (an EXIF thumbnail's own scan)
    can; a count inflated by metadata only refuses a file made to be refused.
    """
    scans, previous = 0, b""
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            scans += (previous + chunk).count(b"\xff\xda")  # a marker split across chunks is counted once
            previous = chunk[-1:]
    if scans > MAX_JPEG_SCANS:
        raise ValueError(f"{scans} scans, more than the {MAX_JPEG_SCANS} a JPEG is allowed (slow to decode)")


def image_pixels(path: str | Path) -> int:
    """Width x height from an image file's header (0 when it cannot be read: :func:`load_image` says why)."""
    from PIL import Image

    try:
        with Image.open(path, formats=IMAGE_FORMATS) as image:
            return image.size[0] * image.size[1]
    except Exception:  # any unreadable file: load_image reports it
        return 0


def pixel_limit() -> int:
    """The most pixels an image may have (``PIL.Image.MAX_IMAGE_PIXELS``, Pillow's default when unset)."""
    from PIL import Image

    return Image.MAX_IMAGE_PIXELS or 89_478_485
