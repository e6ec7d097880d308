"""A response model's JSON written from its fields validated into dicts, not into the model's instances.

Validating a sample's fields into `Sample` (an instance for the sample and one for each label, reads file,
reference...) and writing the model cost 272k instructions a sample; validating the same fields against the
same schema with every model a typed dict, then writing those dicts, costs 219k (an analysis 132k -> 101k):
the same checks, defaults, coercions and field order, in pydantic's Rust, without building the instances
(nor making each timestamp zoned, which its JSON does not show: 210k, 96k).

`FieldsWriter(Model)` derives both once from the model's own core schema: each model becomes a typed dict of
the same fields (their validation and serialization aliases, their exclusions, the model's config). Fields
the validation refuses go through `Model.model_validate`, so a response is the same bytes, or the same error,
as the model's.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaSerializer, SchemaValidator, core_schema

from virtool_api.models import UNSEEN_IN_JSON

_NESTED_KEYS = ("schema", "items_schema", "keys_schema", "values_schema")


def _as_typed_dicts(schema: Any, definitions: dict[str, Any]) -> Any:
    """`schema` with each model a typed dict of the same fields, references resolved (a model's schema refers
    to the models it holds), and the validators of `UNSEEN_IN_JSON` left out. A model given built (not as a
    dict) is refused by the typed dict, so it goes through `Model.model_validate`: slower, the same answer."""
    if not isinstance(schema, dict):
        return schema
    kind = schema["type"]
    if kind == "definitions":
        definitions.update((definition["ref"], definition) for definition in schema["definitions"])
        return _as_typed_dicts(schema["schema"], definitions)
    if kind == "definition-ref":
        return _as_typed_dicts(definitions[schema["schema_ref"]], definitions)
    if kind == "model":
        return _typed_dict(schema, definitions)
    if kind == "function-after" and schema["function"]["function"] in UNSEEN_IN_JSON:
        inner = _as_typed_dicts(schema["schema"], definitions)
        return {**inner, "serialization": schema["serialization"]} if "serialization" in schema else inner
    if kind.startswith("function-") and schema.get("schema", {}).get("type") in ("model", "definition-ref"):
        raise TypeError(f"a validator wraps {schema['schema']}: it would be given a dict, not the model")
    derived = {key: value for key, value in schema.items() if key != "ref"}
    for key in _NESTED_KEYS:
        if key in derived:
            derived[key] = _as_typed_dicts(derived[key], definitions)
    if "choices" in derived:
        derived["choices"] = [
            (_as_typed_dicts(choice[0], definitions), choice[1])
            if isinstance(choice, tuple)
            else _as_typed_dicts(choice, definitions)
            for choice in derived["choices"]
        ]
    return derived


def _typed_dict(schema: dict[str, Any], definitions: dict[str, Any]) -> core_schema.TypedDictSchema:
    inner = schema["schema"]
    if schema.get("custom_init") or schema.get("root_model") or schema.get("post_init"):
        raise TypeError(f"{schema['cls']} is built by its own code, which a dict does not run")
    if inner["type"] != "model-fields" or inner.get("computed_fields"):
        raise TypeError(f"{schema['cls']} has computed fields, which a dict does not have")
    return core_schema.typed_dict_schema(
        {
            name: core_schema.typed_dict_field(
                _as_typed_dicts(field["schema"], definitions),
                required=field["schema"]["type"] != "default",
                validation_alias=field.get("validation_alias"),
                serialization_alias=field.get("serialization_alias"),
                serialization_exclude=field.get("serialization_exclude"),
            )
            for name, field in inner["fields"].items()
        },
        extra_behavior=inner.get("extra_behavior"),
        config=schema.get("config"),
        serialization=schema.get("serialization"),
    )


class FieldsWriter:
    """Writes `model`'s JSON (`by_alias`) from fields `model.model_validate` takes, validated into dicts (see
    the module's docstring)."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        derived = _as_typed_dicts(model.__pydantic_core_schema__, {})
        self._validator = SchemaValidator(derived)
        self._serializer = SchemaSerializer(derived)

    def validated(self, fields: dict[str, Any]) -> dict[str, Any]:
        """`fields` as `model.model_validate` would have them for JSON, every model a dict (raises its errors;
        a timestamp may stay naive, `UNSEEN_IN_JSON`)."""
        return self._validator.validate_python(fields)  # type: ignore[no-any-return]

    def json(self, fields: dict[str, Any], exclude: set[str] | None = None) -> bytes:
        try:
            validated = self.validated(fields)
        except ValidationError:
            model = self.model.model_validate(fields)
            return model.__pydantic_serializer__.to_json(model, by_alias=True, exclude=exclude)
        return self._serializer.to_json(validated, by_alias=True, exclude=exclude)


@dataclass(slots=True)
class ModelFields:
    """A response given as its model's fields: the route writes it as `writer.model` would be written
    (`routes.render`), without building the model."""

    writer: FieldsWriter
    fields: dict[str, Any]

    def json(self, exclude: set[str] | None = None) -> bytes:
        return self.writer.json(self.fields, exclude)
