"""An OpenAPI 3.0 schema as a plain JSON Schema (draft 7), for generators such as hypothesis-jsonschema.

OpenAPI 3.0 schemas are almost JSON Schema; what differs is rewritten here once:

- `$ref`s are inlined (generators need one self-contained schema). A schema that refers back to itself
  is cut at `max_depth` with `{}` (any JSON value): deep enough for every field rwc reads.
- `nullable: true` becomes a type union with `"null"` (or `anyOf [null, …]` where there is no `type`,
  e.g. a nullable `$ref` or `allOf`), which is what OpenAPI means by it.
- OpenAPI-only keywords (`readOnly`, `writeOnly`, `example`, `discriminator`, `xml`, `deprecated`,
  `externalDocs`, `x-…`) are dropped, and so is a `format` the generator does not know (`int32`,
  `double`, …): OpenAPI treats those as hints, not constraints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KNOWN_FORMATS = frozenset({"date-time", "date", "time", "email", "uuid", "ipv4", "ipv6", "hostname", "uri"})
"""String formats hypothesis-jsonschema generates; others are OpenAPI hints and are dropped."""

_DROPPED = frozenset(
    {"readOnly", "writeOnly", "example", "discriminator", "xml", "deprecated", "externalDocs"}
)


class OpenApiSchemas:
    """The schemas of one OpenAPI 3.0 document, converted on request."""

    def __init__(self, document: Mapping[str, Any], *, max_depth: int = 12) -> None:
        self.document = document
        self.max_depth = max_depth

    def _target(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported: {ref}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def response(self, method: str, path: str, status: str = "200") -> dict[str, Any]:
        """The JSON Schema of `method path`'s `status` answer (its `application/json` content)."""
        operation = self.document["paths"][path][method.lower()]
        response = operation["responses"][status]
        while "$ref" in response:
            response = self._target(response["$ref"])
        return self.convert(response["content"]["application/json"]["schema"])

    def named(self, name: str) -> dict[str, Any]:
        """`components.schemas.<name>` as JSON Schema."""
        return self.convert({"$ref": f"#/components/schemas/{name}"})

    def convert(self, schema: Any, depth: int = 0, trail: tuple[str, ...] = ()) -> Any:
        if not isinstance(schema, Mapping):
            return schema
        if depth > self.max_depth * 4:
            return {}
        if "$ref" in schema:
            ref = schema["$ref"]
            if trail.count(ref) >= 1 and depth > self.max_depth:
                return {}
            converted = self.convert(self._target(ref), depth + 1, (*trail, ref))
            siblings = {key: value for key, value in schema.items() if key not in ("$ref", "nullable")}
            if siblings:
                converted = {"allOf": [converted, self.convert(siblings, depth + 1, trail)]}
            return _nullable(converted) if schema.get("nullable") is True else converted
        result: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROPPED or key.startswith("x-") or key == "nullable":
                continue
            if key == "format" and value not in KNOWN_FORMATS:
                continue
            if key == "properties":
                result[key] = {name: self.convert(sub, depth + 1, trail) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not"):
                result[key] = self.convert(value, depth + 1, trail) if isinstance(value, Mapping) else value
            elif key in ("allOf", "anyOf", "oneOf"):
                result[key] = [self.convert(sub, depth + 1, trail) for sub in value]
            else:
                result[key] = value
        if "allOf" in result:
            result = _merge_objects(result)
        if schema.get("nullable") is True:
            result = _nullable(result)
        return result


_MERGEABLE = frozenset({"type", "properties", "required", "description", "title"})


def _merge_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """`allOf` of plain object schemas as one object schema (union of properties and of `required`), so
    that `close` can forbid unknown keys without making the parts contradict each other."""
    parts = [{key: value for key, value in schema.items() if key != "allOf"}, *schema["allOf"]]
    if not all(isinstance(part, Mapping) and set(part) <= _MERGEABLE for part in parts):
        return schema
    if any(part.get("type", "object") != "object" for part in parts):
        return schema
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        for name, sub in part.get("properties", {}).items():
            if name in merged["properties"] and merged["properties"][name] != sub:
                merged["properties"][name] = {"allOf": [merged["properties"][name], sub]}
            else:
                merged["properties"][name] = sub
        merged["required"] += [name for name in part.get("required", ()) if name not in merged["required"]]
    if not merged["required"]:
        del merged["required"]
    return merged


def close(schema: Any) -> Any:
    """`schema` with no keys beyond the documented ones (`additionalProperties: false` where unset):
    generated bodies then spend their size on the fields the spec names, which are the ones rwc reads."""
    if isinstance(schema, list):
        return [close(sub) for sub in schema]
    if not isinstance(schema, Mapping):
        return schema
    closed = {key: close(value) if key != "properties" else value for key, value in schema.items()}
    if "properties" in schema:
        closed["properties"] = {name: close(sub) for name, sub in schema["properties"].items()}
        if "allOf" not in schema:
            closed.setdefault("additionalProperties", False)
            # A required key the schema never describes (2.18's project `phase`) may hold anything.
            for name in schema.get("required", ()):
                closed["properties"].setdefault(name, {})
    if "allOf" in schema:  # closing the parts would make each forbid the others' properties
        closed["allOf"] = [_open(close(part)) for part in schema["allOf"]]
    return closed


def _open(schema: Any) -> Any:
    if isinstance(schema, Mapping) and schema.get("additionalProperties") is False:
        return {key: value for key, value in schema.items() if key != "additionalProperties"}
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null, as OpenAPI 3.0's `nullable: true` means."""
    kind = schema.get("type")
    if isinstance(kind, str) and "enum" not in schema:
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list) and "enum" not in schema:
        return {**schema, "type": [*kind, "null"] if "null" not in kind else kind}
    return {"anyOf": [{"type": "null"}, schema]}
