"""Image-classifier metadata (labels, normalisation, image properties) that MediaPipe Tasks and the
LiteRT support library read, written with ``tflite-support``'s metadata writers.

``tflite-support`` 0.4.4 pins ``protobuf<4`` and so cannot be installed with TensorFlow 2.21 by pip's
resolver; ``scripts/setup_env.sh`` installs it with ``--no-deps``. Its writer modules work then, but
``import tflite_support`` does not, so they are imported by their full path below.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from edge.errors import EdgeError


def normalization(input_range: tuple[float, float]) -> tuple[float, float]:
    """NormalizationOptions ``(mean, std)`` so that ``(pixel - mean) / std`` maps 0..255 onto ``input_range``."""
    low, high = input_range
    std = 255.0 / (high - low)
    return 0.0 - low * std, std  # 0.0 - ...: never -0.0 in the metadata


@contextlib.contextmanager
def labels_file(labels: list[str]) -> Iterator[str]:
    """A temporary ``labels.txt`` (one label per line) for the metadata writers, which pack it by path."""
    if not labels or any("\n" in label for label in labels):
        raise EdgeError("labels must be a non-empty list of single-line names")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "labels.txt"
        path.write_text("\n".join(labels) + "\n", encoding="utf-8")
        yield str(path)


def add_classifier_metadata(
    flatbuffer: bytes,
    labels: list[str],
    input_range: tuple[float, float] = (0.0, 255.0),
    name: str = "MobileViTv2 image classifier",
    description: str = "MobileViTv2 (arXiv 2206.02680) exported by keras_mv2.",
) -> bytes:
    """Return ``flatbuffer`` with image-classifier metadata and the labels file packed in.

    ``input_range`` is the range the model's float input expects for RGB pixels 0..255: ``(0, 255)``
    for models that rescale inside (``include_preprocessing=True``), ``(0, 1)`` otherwise. It becomes
    NormalizationOptions ``mean = 0, std = 255 / (high - low)``, so that ``(pixel - mean) / std`` is what
    the model wants.

    Raises:
        EdgeError: labels do not match the model's number of outputs, or the writer fails.
    """
    try:
        from tensorflow_lite_support.metadata import metadata_schema_py_generated as metadata_fb
        from tensorflow_lite_support.metadata.python.metadata_writers import (
            image_classifier,
            metadata_info,
            writer_utils,
        )
    except ImportError as error:
        raise EdgeError(
            f"tflite-support's metadata writers are not installed ({error}); run scripts/setup_env.sh"
        ) from None
    mean, std = normalization(input_range)
    with labels_file(labels) as labels_path:
        try:
            tensor_types = (
                writer_utils.get_input_tensor_types(flatbuffer)[0],
                writer_utils.get_output_tensor_types(flatbuffer)[0],
            )
            writer = image_classifier.MetadataWriter.create_from_metadata_info(
                flatbuffer,
                general_md=metadata_info.GeneralMd(name=name, description=description),
                input_md=metadata_info.InputImageTensorMd(
                    name="image", description="RGB image, pixel values 0-255 before normalisation.",
                    norm_mean=[mean], norm_std=[std], color_space_type=metadata_fb.ColorSpaceType.RGB,
                    tensor_type=tensor_types[0],
                ),
                output_md=metadata_info.ClassificationTensorMd(
                    name="probability", description="Scores of the classes, in the order of labels.txt.",
                    label_files=[metadata_info.LabelFileMd(file_path=labels_path)],
                    tensor_type=tensor_types[1],
                ),
            )  # fmt: skip
            populated = writer.populate()
        except (ValueError, RuntimeError) as error:
            raise EdgeError(f"writing metadata failed: {error}") from None
    _check_label_count(populated, len(labels))
    return populated


def _check_label_count(flatbuffer: bytes, count: int) -> None:
    from ai_edge_litert.interpreter import Interpreter

    outputs = Interpreter(model_content=flatbuffer).get_output_details()[0]["shape"]
    if int(outputs[-1]) != count:
        raise EdgeError(f"{count} labels for a model with {int(outputs[-1])} outputs")


def read_metadata(flatbuffer_or_path: bytes | str | Path) -> dict:
    """The metadata as a dict (``json``) and the packed files (``files``: name -> text)."""
    import json

    from tensorflow_lite_support.metadata.python import metadata

    data = Path(flatbuffer_or_path).read_bytes() if not isinstance(flatbuffer_or_path, bytes) else flatbuffer_or_path
    displayer = metadata.MetadataDisplayer.with_model_buffer(data)
    files = {
        name: displayer.get_associated_file_buffer(name).decode("utf-8")
        for name in displayer.get_packed_associated_file_list()
    }
    return {"json": json.loads(displayer.get_metadata_json()), "files": files}
