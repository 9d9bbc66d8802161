"""Single-op int8 LiteRT models written directly with LiteRT's flatbuffer schema, for the kernel tests."""

from __future__ import annotations

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema


def _tensor(name: str, shape, kind: int, buffer: int, scale: float | None = None, zero: int = 0):
    tensor = schema.TensorT()
    tensor.name, tensor.shape, tensor.type, tensor.buffer = name.encode(), np.array(shape, np.int32), kind, buffer
    if scale is not None:
        tensor.quantization = schema.QuantizationParametersT()
        tensor.quantization.scale = np.array([scale], np.float32)
        tensor.quantization.zeroPoint = np.array([zero], np.int64)
    return tensor


def _model(op_code: int, version: int, tensors, constants: dict[int, np.ndarray], inputs, outputs, options_type,
           options) -> bytes:  # fmt: skip
    model = schema.ModelT()
    model.version = 3
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = op_code
    code.version = version
    model.operatorCodes = [code]
    model.buffers = [schema.BufferT() for _ in range(len(tensors) + 1)]
    for index, value in constants.items():
        model.buffers[tensors[index].buffer].data = np.frombuffer(value.tobytes(), np.uint8)
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, np.array(inputs, np.int32), np.array(outputs, np.int32)
    op.builtinOptionsType, op.builtinOptions = options_type, options
    subgraph = schema.SubGraphT()
    subgraph.tensors, subgraph.operators = tensors, [op]
    subgraph.inputs, subgraph.outputs = np.array([inputs[0]], np.int32), np.array(outputs, np.int32)
    model.subgraphs = [subgraph]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def int8_mean(shape: tuple[int, ...], axes: tuple[int, ...], scale: float = 0.01, zero: int = 0) -> bytes:
    """``MEAN`` over ``axes`` (kept) of an int8 tensor, the same scale and zero point in and out."""
    out_shape = [1 if axis in axes else side for axis, side in enumerate(shape)]
    tensors = [
        _tensor("x", shape, schema.TensorType.INT8, 1, scale, zero),
        _tensor("axes", [len(axes)], schema.TensorType.INT32, 2),
        _tensor("mean", out_shape, schema.TensorType.INT8, 3, scale, zero),
    ]
    options = schema.ReducerOptionsT()
    options.keepDims = True
    return _model(schema.BuiltinOperator.MEAN, 2, tensors, {1: np.array(axes, np.int32)}, [0, 1], [2],
                  schema.BuiltinOptions.ReducerOptions, options)  # fmt: skip


def int8_resize_align_corners(side: int, out_side: int, channels: int, scale: float = 0.02) -> bytes:
    """``RESIZE_BILINEAR`` with aligned corners of an int8 ``(1, side, side, channels)`` map to ``out_side``."""
    tensors = [
        _tensor("x", [1, side, side, channels], schema.TensorType.INT8, 1, scale, 0),
        _tensor("size", [2], schema.TensorType.INT32, 2),
        _tensor("resized", [1, out_side, out_side, channels], schema.TensorType.INT8, 3, scale, 0),
    ]
    options = schema.ResizeBilinearOptionsT()
    options.alignCorners, options.halfPixelCenters = True, False
    return _model(schema.BuiltinOperator.RESIZE_BILINEAR, 3, tensors, {1: np.array([out_side] * 2, np.int32)},
                  [0, 1], [2], schema.BuiltinOptions.ResizeBilinearOptions, options)  # fmt: skip
