"""Kubernetes label and field selectors as the API server parses them: text in, a predicate out.

Why here: a selector is part of the wire format (the `labelSelector` / `fieldSelector` query parameters), and
real clients send every form of it: kubectl's `-l 'gpu in (a100,h100),!spot'` is set-based, `kubectl drain`
sends `spec.nodeName=X`, `kubectl describe` sends `involvedObject.*` field selectors. The grammar follows
apimachinery's `pkg/labels/selector.go` (terms joined by commas; `=`, `==`, `!=`, `in (...)`, `notin (...)`,
`key`, `!key`, `>`, `<`) and `pkg/fields/selector.go` (`=`, `==`, `!=` only). Text that does not parse is the
client's error: `SelectorError`, which the simulator's face answers with 400 and the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_SELECTOR_CHARS = 8192
"""Longer selectors are refused: the face bounds what one query parameter may make it do."""
MAX_VALUES = 256
"""At most this many values in one `in (...)` / `notin (...)` set."""

# apimachinery validation: a qualified name (optional DNS-subdomain prefix, '/', a name of <= 63 characters)
# for keys, and a label value (<= 63 characters, alphanumeric at both ends) for values.
_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_PREFIX = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_KEY = re.compile(rf"^({_PREFIX}/)?{_NAME}$")
_VALUE = re.compile(rf"^({_NAME})?$")
_SET_TERM = re.compile(r"^(?P<key>[^\s!=<>()]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")

Predicate = Callable[[Mapping[str, str]], bool]


class SelectorError(ValueError):
    """A selector the server cannot parse (400 on the real API)."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term: `key` `operator` `values` (operator one of =, !=, in, notin, exists, !, gt, lt)."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.key)
        if self.operator in ("=", "in"):
            return value is not None and value in self.values
        if self.operator in ("!=", "notin"):
            return value is None or value not in self.values
        if self.operator == "exists":
            return value is not None
        if self.operator == "!":
            return value is None
        if value is None:
            return False
        try:
            have, bound = int(value), int(self.values[0])
        except ValueError:
            return False
        return have > bound if self.operator == "gt" else have < bound


def _shown(text: str) -> str:
    """`text` quoted for an error message, cut to 120 characters: a message never echoes a long input."""
    return repr(text if len(text) <= 120 else text[:117] + "...")


def _split_terms(text: str) -> list[str]:
    """Split at commas that are not inside `( ... )`."""
    terms: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
            if depth > 1:
                raise SelectorError(f"unable to parse requirement: nested parentheses in {_shown(text)}")
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise SelectorError(f"unable to parse requirement: unbalanced ')' in {_shown(text)}")
        if char == "," and depth == 0:
            terms.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if depth != 0:
        raise SelectorError(f"unable to parse requirement: unbalanced '(' in {_shown(text)}")
    terms.append("".join(current).strip())
    return terms


def _key(key: str, text: str) -> str:
    if not _KEY.match(key) or len(key) > 316:
        raise SelectorError(f"unable to parse requirement: invalid label key {_shown(key)} in {_shown(text)}")
    return key


def _value(value: str, text: str) -> str:
    if not _VALUE.match(value):
        raise SelectorError(
            f"unable to parse requirement: invalid label value {_shown(value)} in {_shown(text)}"
        )
    return value


def _bounded(text: str | None) -> str:
    text = text or ""
    if len(text) > MAX_SELECTOR_CHARS:
        raise SelectorError(f"selector longer than {MAX_SELECTOR_CHARS} characters")
    return text


def parse_label_selector(text: str | None) -> tuple[Requirement, ...]:
    """Every requirement in `text`; empty text selects everything."""
    text = _bounded(text)
    if not text.strip():
        return ()
    requirements: list[Requirement] = []
    for term in _split_terms(text):
        if not term:
            raise SelectorError(f"unable to parse requirement: empty term in {_shown(text)}")
        found = _SET_TERM.match(term)
        if found:
            values = tuple(value.strip() for value in found["values"].split(","))
            if len(values) > MAX_VALUES:
                raise SelectorError(f"more than {MAX_VALUES} values in {_shown(term)}")
            if values == ("",):
                raise SelectorError(
                    f"unable to parse requirement: {found['op']} needs values in {_shown(term)}"
                )
            key = _key(found["key"], text)
            requirements.append(Requirement(key, found["op"], tuple(_value(v, text) for v in values)))
            continue
        if "(" in term or ")" in term:
            raise SelectorError(f"unable to parse requirement: {_shown(term)}")
        for token, operator in (("!=", "!="), ("==", "="), ("=", "="), (">", "gt"), ("<", "lt")):
            if token in term:
                key, _, value = term.partition(token)
                value = value.strip()
                if operator in ("gt", "lt") and not value.lstrip("-").isdigit():
                    raise SelectorError(f"unable to parse requirement: {_shown(value)} is not an integer")
                requirements.append(Requirement(_key(key.strip(), text), operator, (_value(value, text),)))
                break
        else:
            if term.startswith("!"):
                requirements.append(Requirement(_key(term[1:].strip(), text), "!"))
            else:
                requirements.append(Requirement(_key(term, text), "exists"))
    return tuple(requirements)


def parse_field_selector(text: str | None, supported: frozenset[str]) -> tuple[Requirement, ...]:
    """`field=value`, `field==value`, `field!=value` terms over `supported` fields (others: SelectorError,
    as the API answers `field label not supported`). Values may be empty (`involvedObject.namespace=`)."""
    text = _bounded(text)
    if not text.strip():
        return ()
    requirements: list[Requirement] = []
    for term in (part.strip() for part in text.split(",")):
        if not term:
            continue
        token = next((token for token in ("!=", "==", "=") if token in term), None)
        if token is None:
            raise SelectorError(f"invalid field selector: {_shown(term)} is not field=value or field!=value")
        key, _, value = term.partition(token)
        operator = "!=" if token == "!=" else "="
        key = key.strip()
        if key not in supported:
            raise SelectorError(f'field label not supported: "{key[:120]}"')
        requirements.append(Requirement(key, operator, (value.strip(),)))
    return tuple(requirements)


def predicate(requirements: tuple[Requirement, ...]) -> Predicate:
    """A predicate over a label (or field) map that holds when every requirement does."""
    if not requirements:
        return lambda values: True
    return lambda values: all(requirement.matches(values) for requirement in requirements)
