"""Errors of the edge pipeline."""


class EdgeError(RuntimeError):
    """An export, verification or runtime step cannot be done; the message says what and why."""
