#!/usr/bin/env python
"""Convert an ml-cvnets, Hugging Face or published MobileViTv2 checkpoint to a Keras .weights.h5 file.

Usage: python scripts/convert_weights.py CHECKPOINT OUTPUT.weights.h5 [--alpha A] [--no-top]
"""

import sys

from keras_mv2.cli import main

if __name__ == "__main__":
    sys.exit(main(["convert-weights", *sys.argv[1:]]))
