"""``mv2 segment`` and ``mv2 detect``: segmentation and detection models on a photo, the result drawn as a PNG."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from keras_mv2.applications import anchors_for, build_model, class_names, task_dataset
from keras_mv2.applications.ssd_decode import detect
from keras_mv2.utils import load_image, write_atomically


def palette(count: int) -> np.ndarray:
    """Distinct colours per class (the PASCAL VOC bit-interleaving scheme); class 0 is black."""
    colours = np.zeros((count, 3), np.uint8)
    for index in range(count):
        value, colour = index, [0, 0, 0]
        for shift in range(7, -1, -1):
            for channel in range(3):
                colour[channel] |= ((value >> channel) & 1) << shift
            value >>= 3
        colours[index] = colour
    return colours


def _resized(path: str | Path, size: tuple[int, int]) -> tuple[Image.Image, np.ndarray]:
    image = Image.fromarray(load_image(path))  # raises FileNotFoundError / ValueError naming the file
    return image, np.asarray(image.resize(size[::-1], Image.BILINEAR), np.float32)


def segment_image(model, path: str | Path, output: str | Path, names: list[str]) -> dict[str, float]:
    """Write ``output``: the photo with the predicted mask blended over it and a legend; returns class areas."""
    height, width = model.inputs[0].shape[1:3]
    image, batch = _resized(path, (height, width))
    logits = model.predict(batch[None], verbose=0)
    logits = logits[0] if isinstance(logits, list) else logits
    mask = logits[0].argmax(-1)
    colours = palette(len(names))
    overlay = Image.fromarray(colours[mask]).resize(image.size, Image.NEAREST)
    blended = Image.blend(image, overlay, 0.5)
    areas = {names[c]: float((mask == c).mean()) for c in np.unique(mask)}
    draw = ImageDraw.Draw(blended)
    for row, (name, area) in enumerate(sorted(areas.items(), key=lambda item: -item[1])[:8]):
        colour = tuple(int(v) for v in colours[names.index(name)])
        draw.rectangle([8, 8 + 18 * row, 22, 22 + 18 * row], fill=colour, outline=(255, 255, 255))
        draw.text((28, 8 + 18 * row), f"{name} {100 * area:.0f}%", fill=(255, 255, 255))
    _save_png(blended, output)
    return areas


def detect_image(
    model, path: str | Path, output: str | Path, names: list[str], score_threshold: float = 0.3
) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """Write ``output``: the photo with boxes above ``score_threshold``; returns (name, score, box in pixels)."""
    height, width = model.inputs[0].shape[1:3]
    image, batch = _resized(path, (height, width))
    outputs = model.predict(batch[None], verbose=0)
    found = detect(outputs["class_logits"], outputs["box_regressions"], anchors_for(model), score_threshold)[0]
    draw = ImageDraw.Draw(image)
    colours = palette(len(names))
    results = []
    for box, score, label in zip(found.boxes, found.scores, found.classes, strict=True):
        x1, y1, x2, y2 = (float(v) for v in np.clip(box, 0, 1) * ([image.width, image.height] * 2))
        colour = tuple(int(v) for v in colours[label]) if label < len(colours) else (255, 0, 0)
        draw.rectangle([x1, y1, x2, y2], outline=colour, width=3)
        draw.text((x1 + 4, y1 + 2), f"{names[label]} {score:.2f}", fill=colour)
        results.append((names[label], float(score), (x1, y1, x2, y2)))
    _save_png(image, output)
    return results


def _save_png(image: Image.Image, output: str | Path) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    write_atomically(output, buffer.getvalue())


def _check_output(image: str | Path, output: str | Path) -> None:
    if Path(output).resolve() == Path(image).resolve():
        raise ValueError(f"{output}: the output would overwrite the input photo; choose another --output")


def segment_photo(
    image: str | Path,
    output: str | Path,
    alpha: float = 1.0,
    weights: str | None = "pascalvoc-deeplabv3",
    size: int | None = None,
    dataset: str | None = None,
    classes: int | None = None,
) -> dict[str, float]:
    """DeepLabv3-MobileViTv2 on ``image``: writes ``output`` (PNG) and returns each class's share of the pixels."""
    _check_output(image, output)
    model = build_model("segmentation", alpha, weights, size, dataset, classes)
    names = class_names(task_dataset("segmentation", weights, dataset), int(model.outputs[0].shape[-1]))
    return segment_image(model, image, output, names)


def detect_photo(
    image: str | Path,
    output: str | Path,
    score_threshold: float = 0.3,
    alpha: float = 1.0,
    weights: str | None = "coco-ssdlite",
    size: int | None = None,
    classes: int | None = None,
) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """SSDLite-MobileViTv2 on ``image``: writes ``output`` (PNG); returns (name, score, box in pixels), best first."""
    _check_output(image, output)
    model = build_model("detection", alpha, weights, size, classes=classes)
    names = class_names("coco", int(model.get_layer("class_logits").output.shape[-1]))
    return detect_image(model, image, output, names, score_threshold)
