"""Modules keyring imports but this app never uses, loaded only if something touches them.

keyring imports ``urllib.request`` (jaraco.context needs it only to download tarballs) and,
before Python 3.12, ``importlib_metadata`` (to find backend plug-ins, a search skipped once a
backend is remembered). Together they are about 13 ms of every start (D45). A stand-in takes
each one's place in ``sys.modules``; the first attribute read imports the real module.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOCK = threading.Lock()


class _StandIn(ModuleType):
    """Holds a module's place until an attribute is read, then becomes a copy of it."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(_load(self), attr)


def _load(stand_in: _StandIn) -> ModuleType:
    name = stand_in.__name__
    with _LOCK:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, real)
        stand_in.__dict__.update(real.__dict__)  # for those who kept the stand-in
    return real


def defer(*names: str) -> None:
    """Put a stand-in in place of each module not yet imported."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        stand_in = _StandIn(name)
        stand_in.__spec__ = spec  # the import system reads it without loading the module
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stand_in)
