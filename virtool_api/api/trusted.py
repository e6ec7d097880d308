"""Writing documents we stored ourselves as a response model writes them, without validating them first.

A listing page validated 25 stored samples into `SampleSummary` models only to write them out again: about
half the CPU of the page's event-loop side. `dumper(Model)` reads the model's own fields once (their order,
aliases, defaults, nested models, and the serializer a `Timestamp` carries) and returns a function making,
from a document, the dict `Model.model_validate(document).model_dump(mode="json", by_alias=True)` makes of a
valid one; `json_text` writes it as `model_dump_json` does. What it does not check is that the document is
valid: only for what the server stored through its own models (`tests/api/test_trusted.py` holds the two
equal). A model it cannot mirror (validators, serializers, computed fields, extra fields kept, a field type
it does not know) is refused when the dumper is made, not answered differently.
"""

import json
import types
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, PlainSerializer
from pydantic_core import to_jsonable_python

Convert = Callable[[Any], Any]

_PLAIN = (str, int, float, bool, type(None))
_MISSING = object()


def json_text(value: Any) -> str:
    """`value` as pydantic writes JSON: no spaces, UTF-8 rather than `\\u` escapes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dumper(model: type[BaseModel]) -> Callable[[Any], dict[str, Any]]:
    """A function writing a document (a dict, read by field alias or name, or an instance of `model`) as
    `model` dumps it to JSON (`mode="json"`, `by_alias=True`); TypeError for a model it cannot mirror."""
    _refuse_what_it_cannot_mirror(model)
    fields: list[tuple[str, str, Convert | None, Any]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        default = _MISSING if info.is_required() else info.default
        factory = info.default_factory
        fields.append((name, key, _converter(info.annotation, info.metadata), (default, factory)))

    def dump(document: Any) -> dict[str, Any]:
        if isinstance(document, BaseModel):
            document = document.__dict__
        written: dict[str, Any] = {}
        for name, key, convert, (default, factory) in fields:
            value = document.get(key, _MISSING)
            if value is _MISSING:
                value = document.get(name, _MISSING)
            if value is _MISSING:
                if default is _MISSING and factory is None:
                    raise ValueError(f"{model.__name__}: {name} is required")
                value = factory() if factory is not None else default  # type: ignore[call-arg]
            written[key] = value if convert is None or value is None else convert(value)
        return written

    return dump


def _refuse_what_it_cannot_mirror(model: type[BaseModel]) -> None:
    decorators = model.__pydantic_decorators__
    if (
        decorators.field_validators
        or decorators.model_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
        or model.model_config.get("extra") == "allow"
    ):
        raise TypeError(f"{model.__name__} has validators, serializers or extra fields: validate it instead")


def _converter(annotation: Any, metadata: list[Any]) -> Convert | None:
    """How a field's stored value becomes its JSON value (None: as it is)."""
    if metadata:
        return _annotated(annotation, metadata)
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return _annotated(inner, extra)
    if origin in (Union, types.UnionType):
        options = [_converter(option, []) for option in get_args(annotation) if option is not type(None)]
        if all(option is None for option in options):
            return None
        if len(options) == 1:
            return options[0]  # None is written as it is, before converting
        raise TypeError(f"a union of types that convert differently: {annotation}")
    if origin is list:
        (item,) = get_args(annotation)
        convert = _converter(item, [])
        return None if convert is None else _each(convert)
    if (origin is dict and get_args(annotation) == (str, Any)) or annotation is Any:
        return to_jsonable_python  # as pydantic writes what it does not type (a datetime in a job's args)
    if origin is Literal:
        return None
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return dumper(annotation)
        if issubclass(annotation, Enum) and issubclass(annotation, str):
            return None  # stored as its value
        if issubclass(annotation, _PLAIN) and not issubclass(annotation, Enum):
            return None
    raise TypeError(f"a field type the dumper does not know: {annotation}")


def _each(convert: Convert) -> Convert:
    return lambda values: [convert(value) for value in values]


def _annotated(annotation: Any, metadata: list[Any]) -> Convert | None:
    """A value checked by the `AfterValidator`s in `metadata` (they may convert it, as `as_utc` does), then
    written by its `PlainSerializer`, or else as its type is."""
    steps: list[Convert] = []
    serializer: Convert | None = None
    for item in metadata:
        if isinstance(item, AfterValidator):
            steps.append(item.func)  # type: ignore[arg-type]
        elif isinstance(item, PlainSerializer) and item.when_used in ("always", "json"):
            serializer = item.func  # type: ignore[assignment]
        else:
            raise TypeError(f"a constraint or serializer the dumper does not apply: {item!r}")
    last = serializer if serializer is not None else _converter(annotation, [])
    if last is not None:
        steps.append(last)
    if not steps:
        return None

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value)
        return value

    return convert
