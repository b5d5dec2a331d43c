"""The few Kubernetes protobuf request bodies real clients send to the simulator.

Why: client-go's typed clients (what `kubectl auth can-i` and `kubectl drain` use for SelfSubjectAccessReview
and Eviction) send built-in objects as `Content-Type: application/vnd.kubernetes.protobuf` and accept JSON
back. The body is the `k8s\\x00` magic and a `runtime.Unknown` envelope (k8s.io/apimachinery
`pkg/runtime/generated.proto`: typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2) around the object's own
message; field numbers of SelfSubjectAccessReview are in k8s.io/api `authorization/v1/generated.proto`
(spec = 2; SelfSubjectAccessReviewSpec: resourceAttributes = 1, nonResourceAttributes = 2;
ResourceAttributes: namespace = 1, verb = 2, group = 3, version = 4, resource = 5, subresource = 6,
name = 7; NonResourceAttributes: path = 1, verb = 2). Only the protobuf wire format's varint and
length-delimited fields are needed; anything malformed is `ProtobufError` (the face answers 400).
"""

from __future__ import annotations

from dataclasses import dataclass

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"
MAX_DEPTH = 8


class ProtobufError(ValueError):
    """A body that is not the protobuf the client claimed."""


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ProtobufError("truncated or overlong varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def fields(data: bytes) -> dict[int, list[bytes | int]]:
    """Field number -> its values (bytes for length-delimited fields, int for varints)."""
    found: dict[int, list[bytes | int]] = {}
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0")
        value: bytes | int
        if wire_type == 0:
            value, at = _varint(data, at)
        elif wire_type == 2:
            length, at = _varint(data, at)
            if at + length > len(data):
                raise ProtobufError("length-delimited field runs past the end")
            value, at = data[at : at + length], at + length
        elif wire_type in (1, 5):
            size = 8 if wire_type == 1 else 4
            if at + size > len(data):
                raise ProtobufError("fixed-size field runs past the end")
            value, at = data[at : at + size], at + size
        else:
            raise ProtobufError(f"unsupported wire type {wire_type}")
        found.setdefault(number, []).append(value)
    return found


def _bytes(found: dict[int, list[bytes | int]], number: int) -> bytes:
    values = found.get(number) or [b""]
    value = values[-1]
    if not isinstance(value, bytes):
        raise ProtobufError(f"field {number} is not length-delimited")
    return value


def _text(found: dict[int, list[bytes | int]], number: int) -> str:
    try:
        return _bytes(found, number).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtobufError(f"field {number} is not UTF-8 text") from None


@dataclass(frozen=True, slots=True)
class Envelope:
    """A `runtime.Unknown`: what the object says it is, and its own message."""

    api_version: str
    kind: str
    raw: bytes


def envelope(body: bytes) -> Envelope:
    if not body.startswith(MAGIC):
        raise ProtobufError("the body does not start with the Kubernetes protobuf magic k8s\\x00")
    unknown = fields(body[len(MAGIC) :])
    type_meta = fields(_bytes(unknown, 1))
    return Envelope(_text(type_meta, 1), _text(type_meta, 2), _bytes(unknown, 2))


_RESOURCE_ATTRIBUTES = (
    (1, "namespace"),
    (2, "verb"),
    (3, "group"),
    (4, "version"),
    (5, "resource"),
    (6, "subresource"),
    (7, "name"),
)


def access_review_spec(raw: bytes) -> dict[str, object]:
    """A SelfSubjectAccessReview message's spec as the JSON the API would show (empty strings left out)."""
    spec = fields(_bytes(fields(raw), 2))
    result: dict[str, object] = {}
    if 1 in spec:
        attributes = fields(_bytes(spec, 1))
        result["resourceAttributes"] = {
            name: _text(attributes, number)
            for number, name in _RESOURCE_ATTRIBUTES
            if _text(attributes, number)
        }
    if 2 in spec:
        attributes = fields(_bytes(spec, 2))
        result["nonResourceAttributes"] = {
            name: _text(attributes, number)
            for number, name in ((1, "path"), (2, "verb"))
            if _text(attributes, number)
        }
    return result
