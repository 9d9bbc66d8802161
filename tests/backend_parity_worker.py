"""Run the ml-cvnets parity check under the backend named by KERAS_BACKEND; print the errors as JSON.

Started in a subprocess by test_backends.py, because Keras picks its backend once, at import.
"""

import json
import sys

import keras
from test_parity_cvnets import max_errors

if __name__ == "__main__":
    cases = [arg.split("@") for arg in sys.argv[1:]]
    result = {"backend": keras.backend.backend(), "errors": {f"{a}@{s}": max_errors(a, s) for a, s in cases}}
    print(json.dumps(result))
