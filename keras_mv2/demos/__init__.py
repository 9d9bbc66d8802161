"""Demos a user runs first: classify photos with timings, segment or detect a photo into a PNG."""

from keras_mv2.demos.classify import run_demo
from keras_mv2.demos.dense import detect_photo, segment_photo

__all__ = ["detect_photo", "run_demo", "segment_photo"]
