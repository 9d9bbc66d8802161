#!/usr/bin/env python
"""Export MobileViTv2 to LiteRT with metadata; the same as `mv2 export` (see `--help`)."""

import sys

from keras_mv2.cli import main

if __name__ == "__main__":
    sys.exit(main(["export", *sys.argv[1:]]))
