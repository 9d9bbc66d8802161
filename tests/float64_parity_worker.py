"""Run float64 parity cases under the backend named by KERAS_BACKEND; print their errors as JSON.

Started in a subprocess by test_parity_float64.py, because Keras picks its backend once, at import.
Arguments: case names of ``test_parity_float64.CASES``.

Keras' type promotion (``keras.backend.result_type``) turns float64 into float32 on every backend but
TensorFlow, so on PyTorch a float64 model runs BatchNormalization, ``ops.mean``/``ops.var`` and matmuls in
float32 (keras-team/keras#23704). The worker switches that demotion off, in this process only, so that
the comparison measures the port's arithmetic rather than Keras' promotion rule; it reports whether it did.
"""

import json
import sys
import time

import keras
from keras.src.backend.common import dtypes

if __name__ == "__main__":
    demoted = keras.backend.result_type("float64", "float32") != "float64"
    if demoted:
        dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
        assert keras.backend.result_type("float64", "float32") == "float64", "could not switch the demotion off"
    from test_parity_float64 import case_errors

    errors, seconds = {}, {}
    for case in sys.argv[1:]:
        started = time.monotonic()
        errors[case] = case_errors(case)
        seconds[case] = round(time.monotonic() - started, 1)
    result = {"backend": keras.backend.backend(), "float64_demotion_off": demoted, "errors": errors, "seconds": seconds}
    print(json.dumps(result))
