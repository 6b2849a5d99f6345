"""JSON in and out of the artifact dataclasses, driven by their type hints.

The run store keeps artifacts as JSON. Every artifact type is a frozen dataclass whose
fields are JSON values, tuples, dicts, ``X | None`` or other artifact dataclasses; this
module turns one into JSON and back without a hand-written ``to_dict`` per type. The
converter of each type is built once from its hints (a page check reads its artifact for
every page of a crawl).

Reading is lenient on purpose: a run stored by an older version may lack a field (it gets
the field's default) or carry one that no longer exists (ignored), so ``recheck`` reads
old run directories. A value of the wrong kind where a list or a record belongs becomes
the empty value, never a traceback in a check.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")
Convert = Callable[[Any], Any]


def encode(value: Any) -> Any:
    """``value`` as plain JSON data: dataclasses become objects, tuples lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(cls: type[T], data: Any) -> T:
    """A ``cls`` (a dataclass) from JSON data; missing fields take their defaults."""
    return _record(cls)(data)  # type: ignore[arg-type]  # a class is hashable


def _identity(value: Any) -> Any:
    return value  # an int where a float is declared stays an int: the JSON written back is unchanged


@cache
def _record(cls: type) -> Convert:
    """The converter of a dataclass: each stored field through its own converter."""
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _converter(hints[f.name]),
               f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, hints[f.name])
              for f in dataclasses.fields(cls) if f.init]

    def convert(data: Any) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            data = {}
        kwargs: dict[str, Any] = {}
        for name, conv, required, hint in fields:
            if name in data:
                kwargs[name] = conv(data[name])
            elif required:
                kwargs[name] = _empty(hint)
        return cls(**kwargs)

    return convert


@cache
def _converter(hint: Any) -> Convert:
    """The converter of one type hint (built once per hint)."""
    if hint is Any or hint is object or hint in (str, int, float, bool, type(None)):
        return _identity
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            return _identity
        inner = _converter(args[0])
        return lambda value: None if value is None else inner(value)
    if dataclasses.is_dataclass(hint):
        return _record(hint)  # type: ignore[arg-type]  # a dataclass type here
    if origin is tuple:
        parts = typing.get_args(hint)
        if len(parts) == 2 and parts[1] is Ellipsis:
            item = _converter(parts[0])
            if item is _identity:
                return lambda value: tuple(value) if isinstance(value, (list, tuple)) else ()
            return lambda value: tuple(map(item, value)) if isinstance(value, (list, tuple)) else ()
        each = [_converter(p) for p in parts]
        return lambda value: (tuple(c(v) for c, v in zip(each, value, strict=False))
                              if isinstance(value, (list, tuple)) else ())
    if origin is list:
        (arg,) = typing.get_args(hint) or (Any,)
        item = _converter(arg)
        return lambda value: [item(v) for v in value] if isinstance(value, (list, tuple)) else []
    if origin is dict:
        _, arg = typing.get_args(hint) or (str, Any)
        item = _converter(arg)
        if item is _identity:
            return lambda value: dict(value) if isinstance(value, dict) else {}
        return lambda value: {k: item(v) for k, v in value.items()} if isinstance(value, dict) else {}
    return _identity


def _empty(hint: Any) -> Any:
    """What a required field is when an old record lacks it."""
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return None
    if dataclasses.is_dataclass(hint):
        return decode(hint, {})  # type: ignore[arg-type]  # hint is a dataclass type here
    return {tuple: (), list: [], dict: {}}.get(origin) if origin else {str: "", int: 0, float: 0.0,
                                                                       bool: False}.get(hint)
