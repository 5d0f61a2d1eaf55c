"""Lossless conversion between the domain dataclasses and plain JSON-ready values.

One reflective codec serves the interchange format and the storage rows, so a
field added to ``model.py`` is carried everywhere without a second mapping.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Hashable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

from imr_app.core.errors import InterchangeError

T = TypeVar("T")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def field_order(cls: type) -> tuple[str, ...]:
    """Field names with ``id`` first, so a reader sees an entity's identity before its content."""
    names = [f.name for f in dataclasses.fields(cls)]
    if "id" in names:
        names.remove("id")
        names.insert(0, "id")
    return tuple(names)


def to_plain(value: Any) -> Any:
    """A dataclass, enum, date, list or scalar as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_plain(getattr(value, name)) for name in field_order(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def from_plain(cls: type[T], data: Any, path: str = "$") -> T:
    """Build ``cls`` from plain values, naming the path of anything that does not fit."""
    try:
        result: T = _converter(cast(Hashable, cls))(data)
    except InterchangeError as exc:
        raise InterchangeError(f"{path}{exc.path}", exc.problem) from None
    return result


# Converters raise InterchangeError with a path relative to their value; each
# enclosing list or record prefixes its part, so no path is built unless needed.
Converter = Callable[[Any], Any]


@cache
def _converter(tp: Any) -> Converter:
    """A converter for one type, built once: loading 10,000 rows must stay cheap."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda data: None if data is None else inner(data)
    if origin is list:
        item = _converter(typing.get_args(tp)[0])

        def convert_list(data: Any) -> list[Any]:
            if not isinstance(data, list):
                raise InterchangeError("", "expected a list")
            try:
                return [item(v) for v in data]
            except InterchangeError as exc:
                i = next(i for i, v in enumerate(data) if not _fits(item, v))
                raise InterchangeError(f"[{i}]{exc.path}", exc.problem) from None

        return convert_list
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_converter(tp)
    if tp is datetime:
        return _temporal_converter(datetime.fromisoformat, "a date and time")
    if tp is date:
        return _temporal_converter(date.fromisoformat, "a date (yyyy-mm-dd)")
    if tp in _SCALARS:
        return _scalar_converter(tp, _SCALARS[tp])
    raise TypeError(f"no conversion for {tp!r}")  # a programming error, not bad input


_SCALARS = {bool: "true or false", int: "a whole number", str: "text"}


def _scalar_converter(tp: type, what: str) -> Converter:
    def convert(data: Any) -> Any:
        # bool is a subclass of int, so compare exact types
        if type(data) is not tp:
            raise InterchangeError("", f"expected {what}")
        return data

    return convert


def _enum_converter(tp: type[Enum]) -> Converter:
    members = {m.value: m for m in tp}

    def convert(data: Any) -> Any:
        try:
            return members[data]
        except (KeyError, TypeError):
            allowed = ", ".join(repr(v) for v in members)
            raise InterchangeError("", f"{data!r} is not one of {allowed}") from None

    return convert


def _temporal_converter(parse: Callable[[str], Any], what: str) -> Converter:
    def convert(data: Any) -> Any:
        if not isinstance(data, str):
            raise InterchangeError("", f"expected {what}")
        try:
            return parse(data)
        except ValueError:
            raise InterchangeError("", f"{data!r} is not {what}") from None

    return convert


def _dataclass_converter(cls: Any) -> Converter:
    hints = _hints(cls)
    fields = [
        (
            f.name,
            _converter(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    ]
    known = frozenset(name for name, _, _ in fields)

    def convert(data: Any) -> Any:
        if not isinstance(data, dict):
            raise InterchangeError("", "expected an object")
        if not known.issuperset(data):
            raise InterchangeError(f".{sorted(set(data) - known)[0]}", "unknown field")
        kwargs = {}
        for name, conv, required in fields:
            if name in data:
                try:
                    kwargs[name] = conv(data[name])
                except InterchangeError as exc:
                    raise InterchangeError(f".{name}{exc.path}", exc.problem) from None
            elif required:
                raise InterchangeError(f".{name}", "required field is missing")
        return cls(**kwargs)

    return convert


def _fits(convert: Converter, value: Any) -> bool:
    try:
        convert(value)
    except InterchangeError:
        return False
    return True
