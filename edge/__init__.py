"""edge: MobileViTv2 to LiteRT (TFLite), as small steps that compose.

convert -> add metadata -> verify (fidelity, per-layer error) -> check Edge TPU rules -> benchmark.
Each step is usable alone from Python; ``mv2 export`` / ``mv2 classify`` / ``mv2 benchmark`` wrap them.
"""

from edge.convert import QUANTIZATIONS, Conversion, convert, static_batch_model
from edge.edgetpu import EdgeTPUReport, check_edgetpu, compile_for_edgetpu
from edge.errors import EdgeError
from edge.fidelity import FidelityReport, compare_outputs, fidelity, input_noise_sensitivity, per_layer_errors
from edge.representative import RepresentativeData, from_folder, generated
from edge.runtime import DELEGATES, LiteRTModel, make_interpreter

__all__ = [
    "DELEGATES",
    "QUANTIZATIONS",
    "Conversion",
    "EdgeError",
    "EdgeTPUReport",
    "FidelityReport",
    "LiteRTModel",
    "RepresentativeData",
    "check_edgetpu",
    "compare_outputs",
    "compile_for_edgetpu",
    "convert",
    "fidelity",
    "from_folder",
    "generated",
    "input_noise_sensitivity",
    "make_interpreter",
    "per_layer_errors",
    "static_batch_model",
]
