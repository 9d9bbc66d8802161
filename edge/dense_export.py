"""LiteRT exports of the segmentation and detection models that MediaPipe's ImageSegmenter and ObjectDetector read.

Segmentation: the DeepLabv3 logits ``(1, H, W, classes)`` with image-segmenter metadata (normalisation,
labels). Detection: SSDLite's raw outputs followed by TFLite's ``TFLite_Detection_PostProcess`` (box decoding
and NMS inside the model, the layout MediaPipe's ObjectDetector expects) with object-detector metadata.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keras
import numpy as np

from edge.convert import configure_quantization, convert, converter_chatter_hidden, input_scale
from edge.dense_fidelity import POSTPROCESS_OP, detector_fidelity, segmenter_fidelity
from edge.errors import EdgeError
from edge.export import ExportReport, check_kernels, check_output_path, verification_images
from edge.metadata import labels_file, normalization
from edge.representative import RepresentativeData
from keras_mv2.applications import anchors_for, class_names
from keras_mv2.weights import model_task

# Modes offered for segmentation and detection (int16x8 is an accuracy reference offered for classifiers only).
DENSE_QUANTIZATIONS = ("float32", "float16", "dynamic", "int8")
# Ops an int8 segmenter keeps in float. LiteRT's builtin int8 RESIZE_BILINEAR steps through the output with a
# 10-bit fixed-point scale: the final 16x upsample of the logits lands up to 0.06 pixel off by its far edge,
# 7 steps on logits that change fast, where XNNPACK is exact (README, "int8 on every CPU").
SEGMENTER_FLOAT_OPS = ("RESIZE_BILINEAR",)


def _with_metadata(flatbuffer: bytes, writer_module: str, labels: list[str], input_range=(0.0, 255.0)) -> bytes:
    from tensorflow_lite_support.metadata.python.metadata_writers import image_segmenter, object_detector

    writer_class = {"segmenter": image_segmenter, "detector": object_detector}[writer_module].MetadataWriter
    mean, std = normalization(input_range)
    with labels_file(labels) as labels_path:
        try:
            writer = writer_class.create_for_inference(flatbuffer, [mean], [std], [labels_path])
            return writer.populate()
        except (ValueError, RuntimeError) as error:
            raise EdgeError(f"writing {writer_module} metadata failed: {error}") from None


def export_dense(
    model: keras.Model,
    output: str | Path,
    labels: list[str] | None = None,
    quantization: str = "float32",
    representative: RepresentativeData | None = None,
    verify_images: np.ndarray | None = None,
    max_detections: int = 100,
) -> ExportReport:
    """Write a segmentation (DeepLabv3) or detection (SSDLite) model as a ``.tflite`` MediaPipe reads as it is.

    ``labels``: the classes (segmentation), or the classes without background (detection: 80 for COCO);
    by default PASCAL VOC's or COCO's names when the class count is theirs, else numbers. ``quantization``:
    one of :data:`DENSE_QUANTIZATIONS` (``int8``: integer network, float input and output). The written
    model is compared with Keras on ``verify_images`` (default: the bundled photographs) and a JSON
    report is written beside it. Nothing is written if any step fails.
    """
    output = check_output_path(output)
    task = model_task(model)
    if quantization not in DENSE_QUANTIZATIONS:
        raise EdgeError(f"unknown quantization {quantization!r}; choose one of {', '.join(DENSE_QUANTIZATIONS)}")
    if task == "segmentation":
        flatbuffer, calibration = _segmenter(model, labels, quantization, representative)
    elif task == "detection":
        flatbuffer, calibration = _detector(model, labels, quantization, representative, max_detections)
    else:
        raise EdgeError(f"export_dense exports segmentation or detection models, not a {task} model")
    images = verification_images(tuple(model.inputs[0].shape[1:3])) if verify_images is None else verify_images
    images = images * input_scale(model)
    compare = segmenter_fidelity if task == "segmentation" else detector_fidelity
    report = ExportReport(
        output, task, quantization, "float32", len(flatbuffer), calibration, compare(model, flatbuffer, images)
    )
    check_kernels(report, flatbuffer, images, lambda kernels: compare(model, flatbuffer, images, kernels))
    report.write(flatbuffer)
    return report


def _segmenter(model: keras.Model, labels, quantization: str, representative) -> tuple[bytes, str | None]:
    """DeepLabv3's logits ``(1, H, W, classes)`` with image-segmenter metadata."""
    outputs = model.outputs if isinstance(model.outputs, list) else [model.outputs]
    if len(outputs) != 1 or len(outputs[0].shape) != 4:
        raise EdgeError("a segmentation export needs one (batch, H, W, classes) output (build without aux_head)")
    classes = int(outputs[0].shape[-1])
    labels = class_names(None, classes) if labels is None else labels
    if len(labels) != classes:
        raise EdgeError(f"{len(labels)} labels for a model with {classes} classes")
    float_ops = SEGMENTER_FLOAT_OPS if quantization == "int8" else ()
    conversion = convert(model, quantization, "float32", representative, float_ops)
    input_range = (0.0, 255.0 * input_scale(model))
    return _with_metadata(conversion.flatbuffer, "segmenter", labels, input_range), conversion.calibration


def detector_with_postprocess(model: keras.Model, max_detections: int = 100, score_threshold: float = 0.01,
                              iou_threshold: float = 0.5):  # fmt: skip
    """A ``tf.function`` image -> (boxes, classes, scores, count) with the post-processing op fused in.

    Regular (per-class) NMS, as ml-cvnets does. ml-cvnets' SSD conventions are mapped onto the op's:
    regressions ``(tx, ty, tw, th)`` with variances
    0.1 / 0.2 become ``(ty, tx, th, tw)`` with scales 10 / 5, anchors become ``(cy, cx, h, w)``, and the
    class scores are a softmax whose column 0 is background (the op's ``num_classes`` excludes it).
    """
    import tensorflow as tf

    anchors = anchors_for(model)
    anchors_yxhw = tf.constant(anchors[:, [1, 0, 3, 2]], tf.float32)
    classes = int(model.get_layer("class_logits").output.shape[-1]) - 1
    attributes = {
        "max_detections": max_detections, "max_classes_per_detection": 1, "detections_per_class": max_detections,
        "use_regular_nms": True, "nms_score_threshold": score_threshold, "nms_iou_threshold": iou_threshold,
        "num_classes": classes, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0,
    }  # fmt: skip
    signature = " ".join(
        [f'name: "{POSTPROCESS_OP}"']
        + [f'attr {{ key: "{key}" value {{ {_attr(value)} }} }}' for key, value in attributes.items()]
    )

    @tf.function(experimental_implements=signature)
    def postprocess(box_encodings, class_scores, anchor_boxes):
        # Placeholders: the converter replaces this function with the op; shapes are the op's outputs.
        del box_encodings, class_scores, anchor_boxes
        boxes = tf.zeros((1, max_detections, 4), tf.float32, name="boxes")
        labels = tf.zeros((1, max_detections), tf.float32, name="classes")
        scores = tf.zeros((1, max_detections), tf.float32, name="scores")
        count = tf.zeros((1,), tf.float32, name="num_detections")
        return boxes, labels, scores, count

    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    height, width = model.inputs[0].shape[1:3]

    @tf.function(input_signature=[tf.TensorSpec((1, height, width, 3), tf.float32, name="image")])
    def network(image):
        outputs = model(image, training=False)
        regressions = tf.gather(outputs["box_regressions"], [1, 0, 3, 2], axis=-1)
        return regressions, tf.nn.softmax(outputs["class_logits"], axis=-1)

    # The network with its weights as constants (as from_keras_model freezes a classifier), so that the
    # post-processing function is never inlined away by freezing and no variable reaches the flatbuffer.
    frozen = convert_variables_to_constants_v2(network.get_concrete_function())

    @tf.function(input_signature=[tf.TensorSpec((1, height, width, 3), tf.float32, name="image")])
    def detect(image):
        regressions, scores = frozen(image)
        return postprocess(regressions, scores, anchors_yxhw)

    return detect


def _attr(value) -> str:
    if isinstance(value, bool):
        return f"b: {str(value).lower()}"
    if isinstance(value, int):
        return f"i: {value}"
    return f"f: {value}"


def _detector(model: keras.Model, labels, quantization: str, representative, max_detections: int):
    """SSDLite with ``TFLite_Detection_PostProcess`` (float, also in an int8 model) and object-detector metadata."""
    import tensorflow as tf

    classes = int(model.get_layer("class_logits").output.shape[-1]) - 1
    labels = class_names(None, classes + 1)[1:] if labels is None else labels
    if len(labels) != classes:
        raise EdgeError(f"{len(labels)} labels for a detector with {classes} classes besides background")
    if quantization == "int8" and representative is None:
        raise EdgeError("int8 detection export needs representative images")
    detect = detector_with_postprocess(model, max_detections)
    # Through a SavedModel, as TensorFlow's object-detection exporter does: only there does the
    # post-processing function keep its `implements` annotation, which the converter turns into the op.
    module = tf.Module()
    module.detect = detect
    with tempfile.TemporaryDirectory() as saved, converter_chatter_hidden():
        options = tf.saved_model.SaveOptions(experimental_custom_gradients=False)  # inference only
        tf.saved_model.save(module, saved, signatures=detect.get_concrete_function(), options=options)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        converter.allow_custom_ops = True  # only the post-processing op, which every LiteRT build registers
        # The post-processing op has no integer kernel: it stays float inside an int8 model.
        configure_quantization(converter, quantization, representative, input_scale(model), float_fallback=True)
        try:
            flatbuffer = converter.convert()
        except Exception as error:  # the converter's own error classes vary
            raise EdgeError(f"TFLite conversion of the detector failed: {str(error)[:1500]}") from None
    _check_custom_ops(flatbuffer)
    calibration = representative.coverage() if quantization == "int8" else None
    return _with_metadata(flatbuffer, "detector", labels, (0.0, 255.0 * input_scale(model))), calibration


def _check_custom_ops(flatbuffer: bytes) -> None:
    """Only the detection op may be custom: anything else would need Flex or a custom build."""
    from ai_edge_litert.interpreter import Interpreter

    names = {op["op_name"] for op in Interpreter(model_content=flatbuffer)._get_ops_details()}
    unexpected = sorted(name for name in names if name.startswith(("Flex", "Custom")) or name == "CUSTOM")
    if unexpected:
        raise EdgeError(f"the detector graph has ops outside LiteRT's builtins: {unexpected}")
