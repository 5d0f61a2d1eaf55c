"""Modules keyring imports but this app never uses, loaded only if something touches them.

keyring imports ``urllib.request`` (jaraco.context needs it only to download tarballs) and,
before Python 3.12, ``importlib_metadata`` (to find backend plug-ins, a search skipped once a
backend is remembered). Together they are about 13 ms of every start (D45). An empty module
takes each one's place in ``sys.modules``; the first attribute read runs the real module's
code in it, so it then is the real module for everyone who holds it.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOCK = threading.RLock()  # re-entrant: running one module's code may touch another
_running: set[str] = set()


class _NotYetRun(ModuleType):
    """A module whose code has not run: reading an attribute it lacks runs it first."""

    def __getattr__(self, attr: str) -> Any:
        _run(self)
        return ModuleType.__getattribute__(self, attr)


def _run(module: _NotYetRun) -> None:
    """Run the module's code in it, once; a thread that asks meanwhile waits for it."""
    name = module.__name__
    with _LOCK:
        if type(module) is not _NotYetRun or name in _running:  # run, or its own code asks
            return
        if "__builtins__" in module.__dict__:  # run already, by importlib.reload
            module.__class__ = ModuleType
            return
        spec = module.__spec__
        assert spec is not None and spec.loader is not None
        _running.add(name)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # not run after all: the next touch, anyone's, tries again
            module.__dict__.pop("__builtins__", None)
            raise AttributeError(f"module {name!r} could not be loaded: {exc}") from exc
        else:
            module.__class__ = ModuleType  # from here on, a plain module
        finally:
            _running.discard(name)


def defer(*names: str) -> None:
    """Put a module whose code runs on first use in place of each one not yet imported."""
    for name in names:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = _NotYetRun
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:  # as the import system does, so `import a.b` then `a.b.x` works
            setattr(sys.modules[parent], child, module)
