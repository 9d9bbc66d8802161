"""Image-classifier metadata (labels, normalisation, image properties) that MediaPipe Tasks and the
LiteRT support library read, written with ``tflite-support``'s metadata writers.

``tflite-support`` 0.4.4 pins ``protobuf<4`` and so cannot be installed with TensorFlow 2.21 by pip's
resolver; ``scripts/setup_env.sh`` installs it with ``--no-deps``. Its writer modules work then, but
``import tflite_support`` does not, so they are imported by their full path below.
"""

from __future__ import annotations

import contextlib
import io
import struct
import tempfile
import zipfile
import zlib
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


# What an image model's metadata may hold; beyond these a file is refused rather than walked.
_MAX_ITEMS = 64  # subgraphs, tensors, process units, associated files, normalisation values per list
_MAX_PACKED_FILES = 16
_MAX_PACKED_BYTES = 8 << 20  # one packed file once inflated (ImageNet-21k's labels take ~0.3 MB)
_METADATA_NAME = b"TFLITE_METADATA"
# What a damaged flatbuffer makes the generated accessors raise (pure Python: exceptions, never a crash).
_FLATBUFFER_ERRORS = (struct.error, IndexError, ValueError, TypeError, OverflowError, UnicodeDecodeError)


class _DamagedError(Exception):
    """Raised inside the reader; :func:`read_metadata` adds the file."""


def read_metadata(flatbuffer_or_path: bytes | str | Path, name: str | None = None) -> dict:
    """The metadata as a dict (``json``) and the packed files (``files``: name -> text).

    Our own bounded reader, not tflite-support's ``MetadataDisplayer``: that one converts the metadata to
    JSON in C++ without verifying the flatbuffer, and a damaged offset crashed the whole process (SIGSEGV).
    Here the metadata is walked with the generated Python accessors (a bad offset is an exception there),
    only through the fields an image model's readers use (names, descriptions, normalisation, associated
    files), every list bounded; ``json`` has tflite-support's field names for them. Packed files are read
    with ``zipfile`` (which checks each CRC), each bounded in size and decoded as UTF-8.

    ``name``: what errors call a model given as bytes.

    Raises:
        EdgeError: naming the file (and the packed entry): no metadata, or metadata or packed files that are
            damaged, oversized or not UTF-8.
    """
    if isinstance(flatbuffer_or_path, bytes):
        data, source = flatbuffer_or_path, name or "the model given as bytes"
    else:
        source = str(flatbuffer_or_path)
        try:
            data = Path(flatbuffer_or_path).read_bytes()
        except OSError as error:
            raise EdgeError(f"{source}: cannot be read ({error.strerror or error})") from None
    buffer = metadata_buffer(data, source)
    if buffer is None:
        raise EdgeError(f"{source}: the model has no metadata")
    try:
        described = _model_metadata(buffer)
    except _DamagedError as error:
        raise EdgeError(f"{source}: damaged metadata: {error}") from None
    except _FLATBUFFER_ERRORS as error:
        raise EdgeError(f"{source}: damaged metadata ({type(error).__name__}: {str(error)[:200]})") from None
    return {"json": described, "files": _packed_files(data, source)}


def metadata_buffer(data: bytes, source: str) -> bytes | None:
    """The ``TFLITE_METADATA`` buffer of a ``.tflite`` flatbuffer, or ``None`` when it has none.

    Raises:
        EdgeError: the model names a metadata buffer it does not have (or one that is empty).
    """
    from ai_edge_litert.schema_py_generated import Model

    try:
        model = Model.GetRootAs(data, 0)
        for index in range(min(model.MetadataLength(), _MAX_ITEMS)):
            entry = model.Metadata(index)
            if entry.Name() != _METADATA_NAME:
                continue
            buffer_index = entry.Buffer()
            if not 0 <= buffer_index < model.BuffersLength():
                raise _DamagedError(f"names buffer {buffer_index}, the model has {model.BuffersLength()}")
            buffer = model.Buffers(buffer_index)
            offset, size = buffer.Offset(), buffer.Size()
            if offset > 1:  # stored after the flatbuffer (models over 2 GB)
                content = data[offset : offset + size] if offset + size <= len(data) else b""
            else:
                content = buffer.DataAsNumpy().tobytes() if buffer.DataLength() else b""
            if not content:
                raise _DamagedError(f"names buffer {buffer_index}, which is empty")
            return content
    except _DamagedError as error:
        raise EdgeError(f"{source}: damaged metadata: {error}") from None
    except _FLATBUFFER_ERRORS as error:
        raise EdgeError(f"{source}: damaged model ({type(error).__name__}: {str(error)[:200]})") from None
    return None


def _model_metadata(buffer: bytes) -> dict:
    from tensorflow_lite_support.metadata import metadata_schema_py_generated as fb

    if not fb.ModelMetadata.ModelMetadataBufferHasIdentifier(buffer, 0):
        raise _DamagedError("not a metadata flatbuffer (no 'M001' identifier)")
    root = fb.ModelMetadata.GetRootAs(buffer, 0)
    subgraphs = []
    for subgraph in _items(root.SubgraphMetadata, root.SubgraphMetadataLength(), "subgraph_metadata"):
        subgraphs.append({
            **_texts(subgraph, "name", "description"),
            "input_tensor_metadata": [
                _tensor(t) for t in _items(subgraph.InputTensorMetadata, subgraph.InputTensorMetadataLength(),
                                           "input_tensor_metadata")
            ],
            "output_tensor_metadata": [
                _tensor(t) for t in _items(subgraph.OutputTensorMetadata, subgraph.OutputTensorMetadataLength(),
                                           "output_tensor_metadata")
            ],
            "associated_files": _files(subgraph),
        })  # fmt: skip
    return {
        **_texts(root, "name", "description", "version", "author", "license", "min_parser_version"),
        "subgraph_metadata": subgraphs,
        "associated_files": _files(root),
    }


def _items(get, count: int, what: str) -> list:
    if count > _MAX_ITEMS:
        raise _DamagedError(f"{what} lists {count} items (at most {_MAX_ITEMS} are read)")
    return [get(index) for index in range(count)]


def _texts(table, *fields: str) -> dict:
    """The string fields of ``table`` that are set, as text (``snake_case`` -> the accessor ``CamelCase``)."""
    found = {}
    for field in fields:
        raw = getattr(table, "".join(part.capitalize() for part in field.split("_")))()
        if raw is not None:
            try:
                found[field] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _DamagedError(f"its {field} is not UTF-8 text") from None
    return found


def _files(table) -> list[dict]:
    from tensorflow_lite_support.metadata import metadata_schema_py_generated as fb

    types = {value: key for key, value in vars(fb.AssociatedFileType).items() if not key.startswith("_")}
    files = []
    for entry in _items(table.AssociatedFiles, table.AssociatedFilesLength(), "associated_files"):
        files.append({**_texts(entry, "name", "description", "locale", "version"),
                      "type": types.get(entry.Type(), "UNKNOWN")})  # fmt: skip
    return files


def _tensor(tensor) -> dict:
    from tensorflow_lite_support.metadata import metadata_schema_py_generated as fb

    kinds = {value: key for key, value in vars(fb.ProcessUnitOptions).items() if not key.startswith("_")}
    units = []
    for unit in _items(tensor.ProcessUnits, tensor.ProcessUnitsLength(), "process_units"):
        kind = kinds.get(unit.OptionsType(), "NONE")
        described: dict = {"options_type": kind}
        options = unit.Options()
        if kind == "NormalizationOptions" and options is not None:
            normalization = fb.NormalizationOptions()
            normalization.Init(options.Bytes, options.Pos)
            described["options"] = {
                "mean": _floats(normalization.Mean, normalization.MeanLength(), "mean"),
                "std": _floats(normalization.Std, normalization.StdLength(), "std"),
            }
        units.append(described)
    return {**_texts(tensor, "name", "description"), "process_units": units, "associated_files": _files(tensor)}


def _floats(get, count: int, what: str) -> list[float]:
    return [float(value) for value in _items(get, count, what)]


def _packed_files(data: bytes, source: str) -> dict[str, str]:
    """The files packed after the flatbuffer (a zip archive), each checked before and while it is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return {}  # metadata without packed files
    files, entry = {}, None
    try:
        with archive:
            infos = archive.infolist()
            if len(infos) > _MAX_PACKED_FILES:
                raise _DamagedError(f"packs {len(infos)} files (at most {_MAX_PACKED_FILES} are read)")
            for info in infos:
                entry = info.filename
                if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise _DamagedError("is encrypted or compressed by a method the metadata writers never use")
                if info.file_size > _MAX_PACKED_BYTES:
                    raise _DamagedError(f"declares {info.file_size} bytes (at most {_MAX_PACKED_BYTES})")
                with archive.open(info) as handle:
                    content = handle.read(_MAX_PACKED_BYTES + 1)  # bounded whatever the header says
                    if len(content) > _MAX_PACKED_BYTES or handle.read(1):  # reading to the end checks the CRC
                        raise _DamagedError(f"holds more than {_MAX_PACKED_BYTES} bytes")
                try:
                    files[entry] = content.decode("utf-8")
                except UnicodeDecodeError:
                    raise _DamagedError("is not UTF-8 text") from None
    except _DamagedError as error:
        where = source if entry is None else f"{source}, packed file '{entry}'"
        raise EdgeError(f"{where}: {error}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        where = source if entry is None else f"{source}, packed file '{entry}'"
        raise EdgeError(f"{where}: damaged packed files ({type(error).__name__}: {str(error)[:200]})") from None
    return files
