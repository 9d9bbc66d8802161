"""Checkpoints on the Hugging Face Hub (``hf://apple/mobilevitv2-1.0-imagenet1k-256``), through ``huggingface_hub``.

``huggingface_hub`` downloads into and reuses its own cache. ``HF_ENDPOINT`` (a mirror or a local test
server) and ``HF_HUB_CACHE`` are read on every call, not only when the library is first imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from keras_mv2.weights.errors import CheckpointError

HUB_PREFIX = "hf://"
# What ``save_pretrained`` writes, safest first (safetensors cannot carry code).
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def is_hub_id(weights) -> bool:
    return isinstance(weights, str) and weights.startswith(HUB_PREFIX)


def fetch_from_hub(hub_id: str) -> Path:
    """The local path of the weights file of ``hf://<owner>/<repo>[@revision]``, downloaded once.

    Raises:
        CheckpointError: a malformed id, a repository or file that does not exist, or no connection.
    """
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RemoteEntryNotFoundError

    repo, _, revision = hub_id.removeprefix(HUB_PREFIX).partition("@")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise CheckpointError(
            f"{hub_id}: expected hf://<owner>/<repository>, e.g. hf://apple/mobilevitv2-1.0-imagenet1k-256"
        )
    endpoint = os.environ.get("HF_ENDPOINT") or None
    for filename in WEIGHT_FILES:
        try:
            return Path(
                hf_hub_download(
                    repo, filename, revision=revision or None, endpoint=endpoint,
                    cache_dir=os.environ.get("HF_HUB_CACHE") or None, library_name="keras_mv2",
                )
            )  # fmt: skip
        except LocalEntryNotFoundError as error:  # the Hub said no, or could not be reached, and nothing is cached
            if isinstance(error.__cause__, HfHubHTTPError):
                raise CheckpointError(f"{hub_id}: download failed ({_first_line(error.__cause__)})") from None
            raise CheckpointError(
                f"{hub_id}: cannot reach the Hub ({_first_line(error)}); set HF_ENDPOINT for a mirror"
            ) from None
        except RemoteEntryNotFoundError:  # try the next file name
            continue
        except (HfHubHTTPError, OSError, ValueError) as error:
            raise CheckpointError(f"{hub_id}: download failed ({_first_line(error)})") from None
    raise CheckpointError(f"{hub_id}: the repository holds none of {', '.join(WEIGHT_FILES)}")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
