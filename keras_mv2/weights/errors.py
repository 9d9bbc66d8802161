"""The one error type raised for unusable checkpoints."""


class CheckpointError(ValueError):
    """A checkpoint cannot be read or does not fit the model; the message says what and where."""
