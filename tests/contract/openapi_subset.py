"""A small OpenAPI 3.0 validator: the subset the Run:ai spec uses, with OpenAPI's own rules.

Why not `jsonschema`: OpenAPI 3.0 schemas are not JSON Schema. `nullable: true` has no JSON Schema
equivalent (it would have to be rewritten into `type: [..., "null"]` through every `allOf`), `readOnly` /
`writeOnly` change what is allowed by direction (a `writeOnly` field must not come back in a response), and
the spec has formats (`int32`, `double`) and conflicts (uuid-typed ids that are numeric strings in practice)
a generic validator would need patching for. What the Run:ai spec uses is small: `$ref`, `allOf`
(no `oneOf`/`anyOf`/`discriminator` in its schemas, though they are handled), `type`, `nullable`,
`required`, `properties`, `additionalProperties`, `items`, `enum`, `pattern`, `format`, `minimum`/`maximum`,
`minLength`/`maxLength`, `minItems`/`maxItems`, `readOnly`/`writeOnly`.

Usage:

    spec = OpenApi(json.loads(path.read_text()))
    template, operation = spec.operation("GET", "/api/v1/workloads/123")
    errors = spec.validate(body, spec.response_schema(operation, 200), direction="response")
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Direction = Literal["request", "response"]

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
NO_DOCUMENTED_SCHEMA = object()
"""`response_schema` when the status is documented without a body schema (e.g. a bare 202 or 204)."""

_TYPE_KEYS = ("type", "allOf", "oneOf", "anyOf", "properties", "items", "enum", "$ref")


class OpenApi:
    """One OpenAPI 3.0 document: operation lookup by concrete path, and validation of bodies and params."""

    def __init__(self, document: Mapping[str, Any], *, uuid_exempt: Sequence[str] = ()) -> None:
        """`uuid_exempt`: schema names whose `format: uuid` is not enforced (documented spec conflicts)."""
        self.document = document
        self.uuid_exempt = frozenset(uuid_exempt)
        self._paths: list[tuple[int, re.Pattern[str], str]] = []
        for template in document.get("paths", {}):
            literal = len(re.sub(r"\{[^}]+\}", "", template))
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            self._paths.append((literal, pattern, template))
        self._paths.sort(key=lambda entry: -entry[0])  # most literal first: /workloads/count before /{id}

    # -- lookup -----------------------------------------------------------------------------------------
    def resolve(self, node: Any) -> tuple[Any, str | None]:
        """Follow `$ref`s; returns the target and the name of the last schema/response referred to."""
        name = None
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local $refs are supported: {ref}")
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            name = ref.rsplit("/", 1)[-1]
            node = target
            seen += 1
            if seen > 64:
                raise ValueError(f"$ref loop at {ref}")
        return node, name

    def operation(self, method: str, path: str) -> tuple[str, Mapping[str, Any]] | None:
        for _, pattern, template in self._paths:
            if pattern.match(path):
                operation = self.document["paths"][template].get(method.lower())
                if operation is not None:
                    return template, operation
        return None

    def response_schema(self, operation: Mapping[str, Any], status: int) -> Any:
        """The JSON schema of `status`'s answer; `NO_DOCUMENTED_SCHEMA` when documented without a JSON
        body; None when the status is not documented for the operation at all."""
        responses = operation.get("responses", {})
        response = (
            responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        )
        if response is None:
            return None
        response, _ = self.resolve(response)
        content = (response or {}).get("content") or {}
        media = content.get("application/json")
        if not media or "schema" not in media:
            return NO_DOCUMENTED_SCHEMA
        return media["schema"]

    def request_schema(self, operation: Mapping[str, Any]) -> Any:
        body, _ = self.resolve(operation.get("requestBody"))
        media = ((body or {}).get("content") or {}).get("application/json")
        return media.get("schema") if media else None

    def query_parameters(self, template: str, operation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        shared = self.document["paths"][template].get("parameters", [])
        found: dict[str, Mapping[str, Any]] = {}
        for parameter in [*shared, *operation.get("parameters", [])]:
            parameter, _ = self.resolve(parameter)
            if parameter.get("in") == "query":
                found[parameter["name"]] = parameter
        return found

    # -- validation -----------------------------------------------------------------------------------
    def validate(self, value: Any, schema: Any, *, direction: Direction, where: str = "$") -> list[str]:
        errors: list[str] = []
        self._check(value, schema, where, direction, None, errors)
        return errors

    def validate_query(
        self, template: str, operation: Mapping[str, Any], query: Mapping[str, Sequence[str]]
    ) -> list[str]:
        """Query parameters as sent: known names, and each value valid (arrays are comma-joined, as
        `explode: false` parameters are)."""
        known = self.query_parameters(template, operation)
        errors: list[str] = []
        for name, values in query.items():
            parameter = known.get(name)
            if parameter is None:
                errors.append(f"query {name}: not a parameter of this operation")
                continue
            schema, _ = self.resolve(parameter.get("schema", {}))
            for raw in values:
                if schema.get("type") == "array":
                    items = raw.split(",") if parameter.get("explode") is False else [raw]
                    for index, item in enumerate(items):
                        self._check(
                            self._typed(item, schema.get("items", {})),
                            schema.get("items", {}),
                            f"query {name}[{index}]",
                            "request",
                            None,
                            errors,
                        )
                    if "maxItems" in schema and len(items) > schema["maxItems"]:
                        errors.append(f"query {name}: more than {schema['maxItems']} items")
                else:
                    self._check(self._typed(raw, schema), schema, f"query {name}", "request", None, errors)
        for name, parameter in known.items():
            if parameter.get("required") and name not in query:
                errors.append(f"query {name}: required")
        return errors

    def _typed(self, raw: str, schema: Any) -> Any:
        schema, _ = self.resolve(schema)
        kind = schema.get("type")
        try:
            if kind == "integer":
                return int(raw)
            if kind == "number":
                return float(raw)
        except ValueError:
            return raw
        if kind == "boolean":
            return {"true": True, "false": False}.get(raw, raw)
        return raw

    def _check(
        self, value: Any, schema: Any, where: str, direction: Direction, name: str | None, errors: list[str]
    ) -> None:
        schema, ref_name = self.resolve(schema)
        name = ref_name or name
        if not isinstance(schema, Mapping) or not schema:
            return
        if value is None:
            if schema.get("nullable") or not any(key in schema for key in _TYPE_KEYS):
                return
            errors.append(f"{where}: null where {name or schema.get('type') or 'a value'} is not nullable")
            return
        for sub in schema.get("allOf", ()):
            self._check(value, sub, where, direction, name, errors)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                passing = sum(
                    1
                    for sub in schema[keyword]
                    if not self.validate(value, sub, direction=direction, where=where)
                )
                if (keyword == "oneOf" and passing != 1) or (keyword == "anyOf" and passing == 0):
                    errors.append(f"{where}: matches {passing} of the {keyword} schemas")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
        kind = schema.get("type")
        if kind is None and "properties" in schema:
            kind = "object"
        if kind == "object":
            self._object(value, schema, where, direction, name, errors)
        elif kind == "array":
            if not isinstance(value, list):
                errors.append(f"{where}: expected an array, got {type(value).__name__}")
                return
            if "minItems" in schema and len(value) < schema["minItems"]:
                errors.append(f"{where}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                errors.append(f"{where}: more than {schema['maxItems']} items")
            for index, item in enumerate(value):
                self._check(item, schema.get("items", {}), f"{where}[{index}]", direction, None, errors)
        elif kind == "string":
            self._string(value, schema, where, name, errors)
        elif kind in ("integer", "number"):
            self._number(value, schema, where, kind, errors)
        elif kind == "boolean" and not isinstance(value, bool):
            errors.append(f"{where}: expected a boolean, got {type(value).__name__}")

    def _object(
        self,
        value: Any,
        schema: Mapping[str, Any],
        where: str,
        direction: Direction,
        name: str | None,
        errors: list[str],
    ) -> None:
        if not isinstance(value, Mapping):
            errors.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        properties = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key in value:
                continue
            declared, _ = self.resolve(properties.get(key, {}))
            if direction == "request" and declared.get("readOnly"):
                continue
            if direction == "response" and declared.get("writeOnly"):
                continue
            errors.append(f"{where}: required field {key!r} is missing")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                declared, _ = self.resolve(properties[key])
                if direction == "response" and declared.get("writeOnly"):
                    errors.append(f"{where}.{key}: writeOnly field in a response")
                if direction == "request" and declared.get("readOnly"):
                    errors.append(f"{where}.{key}: readOnly field in a request")
                # An inline property keeps the enclosing schema's name (for `uuid_exempt`).
                self._check(item, properties[key], f"{where}.{key}", direction, name, errors)
            elif extra is False and not schema.get("allOf"):
                errors.append(f"{where}.{key}: not allowed (additionalProperties: false)")
            elif isinstance(extra, Mapping):
                self._check(item, extra, f"{where}.{key}", direction, None, errors)

    def _string(
        self, value: Any, schema: Mapping[str, Any], where: str, name: str | None, errors: list[str]
    ) -> None:
        if not isinstance(value, str):
            errors.append(f"{where}: expected a string, got {type(value).__name__} {value!r}"[:200])
            return
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{where}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        fmt = schema.get("format")
        if fmt == "date-time" and not DATE_TIME.match(value):
            errors.append(f"{where}: {value!r} is not an RFC 3339 date-time")
        if fmt == "uuid" and not UUID.match(value) and name not in self.uuid_exempt:
            errors.append(f"{where}: {value!r} is not a uuid ({name})")

    @staticmethod
    def _number(value: Any, schema: Mapping[str, Any], where: str, kind: str, errors: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{where}: expected {kind}, got {type(value).__name__} {value!r}"[:200])
            return
        if kind == "integer" and not isinstance(value, int):
            errors.append(f"{where}: expected an integer, got {value!r}")
            return
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} is above the maximum {schema['maximum']}")
        bounds = INT_RANGES.get(schema.get("format", ""))
        if bounds and not bounds[0] <= value <= bounds[1]:
            errors.append(f"{where}: {value} is out of the {schema['format']} range")
