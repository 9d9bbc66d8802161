"""keras_mv2: MobileViTv2 for Keras 3 and LiteRT."""

from pathlib import Path

from setuptools import find_packages, setup

# Pinned where the environment facts demand it: these versions are known to install and work
# together (TensorFlow 2.21 wants Keras 3.15; an unpinned torch pulls gigabytes of CUDA wheels).
CORE = [
    "tensorflow==2.21.0",
    "keras==3.15.1",
    "numpy>=1.26",
    "h5py>=3.10",
    "pillow>=10",
    "tqdm>=4.66",
    "safetensors>=0.4",
    "huggingface_hub>=1.0",  # hf:// checkpoint ids: the Hub's own download and cache
]
# tflite-support (metadata writers) is installed by scripts/setup_env.sh with --no-deps: it pins protobuf<4,
# which TensorFlow 2.21 cannot use, although the writer modules work with the newer protobuf.
EDGE = [
    "ai-edge-litert==2.3.0",
    "mediapipe==1.2.2",
    "matplotlib>=3.8",
]
TRAIN = [
    "tensorboard==2.21.0",  # the TensorBoard callback's summaries
    "scikit-learn>=1.4",  # its bundled digits: the fine-tuning example and the training tests
    "tensorflow-datasets==4.9.10",  # `mv2 train tfds:<name>`
]
TEST = [
    "pytest>=8",
    "ruff==0.17.5",
    "torch==2.13.0",  # the Keras PyTorch backend in tests, and Hugging Face's reference model
    "transformers==5.23.0",
    "playwright==1.65.2",  # drives Debian's Chromium in the web demo test (no browser download)
]

setup(
    name="keras_mv2",
    version="0.1.0",
    description="MobileViTv2 (separable self-attention) for Keras 3, exact to Apple's ml-cvnets, with LiteRT export",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["keras_mv2", "keras_mv2.*", "edge", "edge.*"]),
    # Every data file the code reads at run time; tests/test_wheel.py runs the commands from an installed wheel.
    package_data={
        "keras_mv2.applications": ["imagenet_classes.tsv", "coco_classes.txt", "pascal_voc_classes.txt"],
        "keras_mv2.samples": ["*.jpg", "*.md"],
        "edge": ["web_demo/*.html", "web_demo/*.js", "web_demo/*.css", "web_demo/*.json", "web_demo/*.md"],
    },
    install_requires=CORE,
    extras_require={"edge": EDGE, "train": TRAIN, "test": EDGE + TRAIN + TEST},
    entry_points={"console_scripts": ["mv2=keras_mv2.cli:main"]},
    license="Apache-2.0",
)
