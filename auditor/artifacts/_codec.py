"""JSON in and out of the artifact dataclasses, driven by their type hints.

The run store keeps artifacts as JSON. Every artifact type is a frozen dataclass whose
fields are JSON values, tuples, dicts, ``X | None`` or other artifact dataclasses; this
module turns one into JSON and back without a hand-written ``to_dict`` per type.

Reading is lenient on purpose: a run stored by an older version may lack a field (it gets
the field's default) or carry one that no longer exists (ignored), so ``recheck`` reads
old run directories. A value of the wrong kind where a list or a record belongs becomes
the empty value, never a traceback in a check.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

T = TypeVar("T")


@cache
def _hints(cls: type) -> tuple[tuple[str, Any, dataclasses.Field[Any]], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name], f) for f in dataclasses.fields(cls) if f.init)


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
    if not isinstance(data, dict):
        data = {}
    kwargs: dict[str, Any] = {}
    for name, hint, f in _hints(cls):  # type: ignore[arg-type]  # a class is hashable
        if name in data:
            kwargs[name] = _value(hint, data[name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kwargs[name] = _empty(hint)
    return cls(**kwargs)


def _value(hint: Any, value: Any) -> Any:
    if hint is Any or hint is object:
        return value
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _value(args[0], value) if len(args) == 1 else value
    if dataclasses.is_dataclass(hint):
        if isinstance(value, hint):  # type: ignore[arg-type]  # hint is a dataclass type here
            return value
        return decode(hint, value)  # type: ignore[arg-type]
    if origin is tuple:
        parts = typing.get_args(hint)
        items: Any = value if isinstance(value, (list, tuple)) else ()
        if len(parts) == 2 and parts[1] is Ellipsis:
            return tuple(_value(parts[0], v) for v in items)
        return tuple(_value(a, v) for a, v in zip(parts, items, strict=False))
    if origin is list:
        (arg,) = typing.get_args(hint) or (Any,)
        return [_value(arg, v) for v in value] if isinstance(value, (list, tuple)) else []
    if origin is dict:
        _, arg = typing.get_args(hint) or (str, Any)
        return {k: _value(arg, v) for k, v in value.items()} if isinstance(value, dict) else {}
    return value  # an int where a float is declared stays an int: the JSON written back is unchanged


def _empty(hint: Any) -> Any:
    """What a required field is when an old record lacks it."""
    origin = typing.get_origin(hint)
    if origin is Union or origin is types.UnionType:
        return None
    if dataclasses.is_dataclass(hint):
        return decode(hint, {})  # type: ignore[arg-type]  # hint is a dataclass type here
    return {tuple: (), list: [], dict: {}}.get(origin) if origin else {str: "", int: 0, float: 0.0,
                                                                       bool: False}.get(hint)
