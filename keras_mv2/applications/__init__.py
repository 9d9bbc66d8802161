"""``keras_mv2.applications``: MobileViTv2 models in the style of ``keras.applications``."""

from keras_mv2.applications.checkpoints import convert_checkpoint
from keras_mv2.applications.class_names import class_names
from keras_mv2.applications.deeplabv3 import DATASETS, DeepLabV3MobileViTv2
from keras_mv2.applications.imagenet_utils import (
    decode_predictions,
    eval_transform,
    preprocess_input,
)
from keras_mv2.applications.mobilevitv2 import (
    FEATURE_LAYERS,
    MobileViTv2,
    MobileViTv2_050,
    MobileViTv2_075,
    MobileViTv2_100,
    MobileViTv2_125,
    MobileViTv2_150,
    MobileViTv2_175,
    MobileViTv2_200,
    feature_extractor,
    image_input,
    input_range,
)
from keras_mv2.applications.ssdlite import SSDLiteMobileViTv2, anchors_for
from keras_mv2.applications.tasks import build_model, classifier_from_checkpoint, task_dataset
from keras_mv2.architecture import PUBLISHED_ALPHAS, stage_widths
from keras_mv2.utils import load_image

__all__ = [
    "DATASETS",
    "FEATURE_LAYERS",
    "PUBLISHED_ALPHAS",
    "DeepLabV3MobileViTv2",
    "MobileViTv2",
    "MobileViTv2_050",
    "MobileViTv2_075",
    "MobileViTv2_100",
    "MobileViTv2_125",
    "MobileViTv2_150",
    "MobileViTv2_175",
    "MobileViTv2_200",
    "SSDLiteMobileViTv2",
    "anchors_for",
    "build_model",
    "class_names",
    "classifier_from_checkpoint",
    "convert_checkpoint",
    "decode_predictions",
    "eval_transform",
    "feature_extractor",
    "image_input",
    "input_range",
    "load_image",
    "preprocess_input",
    "stage_widths",
    "task_dataset",
]
