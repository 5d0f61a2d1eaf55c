"""IMR Author: write an agency's Individual Management Review in an encrypted draft."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__`` is read on demand: package metadata costs 20 ms of every start-up."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import metadata

    try:
        return metadata.version("imr-author")
    except metadata.PackageNotFoundError:  # a source tree or a bundle without metadata
        return "0.1.0"
