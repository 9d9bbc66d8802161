#!/usr/bin/env python3
"""Fine-tune or train MobileViTv2 on an image folder: the same as `mv2 train` (see --help)."""

import sys

from keras_mv2.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
