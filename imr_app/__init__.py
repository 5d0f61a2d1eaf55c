"""IMR Author: write an agency's Individual Management Review in an encrypted draft."""

from importlib import metadata

try:
    __version__ = metadata.version("imr-author")
except metadata.PackageNotFoundError:  # running from a source tree or a bundle without metadata
    __version__ = "0.1.0"
