"""Arrows point down only: the core imports no Qt and no SQL; nothing below the GUI imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "imr_app"

FORBIDDEN = {
    "core": (
        "PySide6",
        "sqlcipher3",
        "sqlite3",
        "sqlite_utils",
        "imr_app.storage",
        "imr_app.services",
        "imr_app.gui",
        "docx",
    ),
    "storage": ("PySide6", "imr_app.services", "imr_app.gui"),
    "services": ("PySide6", "imr_app.gui"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_lies_below(layer: str):
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).glob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[layer] or name.startswith(FORBIDDEN[layer])
    ]
    assert offences == []
