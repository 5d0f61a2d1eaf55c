"""Writing a file so that it is either the old one or the whole new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path,
    data: bytes,
    before_replace: Callable[[], None] | None = None,
    make_folder: bool = False,
) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it
    over ``path``. A crash, a full disk or an exception from ``before_replace`` (an export
    cancelled at the last moment) leaves whatever was at ``path`` untouched.

    ``make_folder`` creates a missing folder (the app's own settings folder); a folder the
    user chose that has gone is an error for them to see instead.
    """
    path = Path(path)
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
