"""edge: MobileViTv2 to LiteRT (TFLite), as small steps that compose.

convert -> add metadata -> verify (fidelity, per-layer error, accuracy) -> check Edge TPU rules -> benchmark.
Each step is usable alone from Python; ``edge.workflows`` composes them into what each ``mv2`` command runs.
"""

from keras_mv2.utils.console import native_logs_captured

with native_logs_captured():  # TensorFlow and LiteRT log while they load: see keras_mv2.utils.console
    from edge.convert import QUANTIZATIONS, Conversion, convert, static_batch_model
    from edge.dense_export import DENSE_QUANTIZATIONS, export_dense
    from edge.edgetpu import EdgeTPUReport, check_edgetpu, compile_for_edgetpu
    from edge.errors import EdgeError
    from edge.export import ExportReport, export_classifier
    from edge.fidelity import FidelityReport, compare_outputs, fidelity, input_noise_sensitivity, per_layer_errors
    from edge.predictor import Predictor, load_predictor
    from edge.representative import RepresentativeData, calibration_data, from_folder, generated
    from edge.runtime import DELEGATES, LiteRTModel, make_interpreter

__all__ = [
    "DELEGATES",
    "DENSE_QUANTIZATIONS",
    "QUANTIZATIONS",
    "Conversion",
    "EdgeError",
    "EdgeTPUReport",
    "ExportReport",
    "FidelityReport",
    "LiteRTModel",
    "Predictor",
    "RepresentativeData",
    "calibration_data",
    "check_edgetpu",
    "compare_outputs",
    "compile_for_edgetpu",
    "convert",
    "export_classifier",
    "export_dense",
    "fidelity",
    "from_folder",
    "generated",
    "input_noise_sensitivity",
    "load_predictor",
    "make_interpreter",
    "per_layer_errors",
    "static_batch_model",
]
