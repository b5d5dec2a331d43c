"""The data layer: the Backend protocol, its errors, the read-only and audit wrappers, and the Store.

Nothing here imports Textual; the app adapts Store notifications into Textual messages.
"""

from console.data.audit import AuditedBackend
from console.data.backend import ACTION_NAMES, Backend
from console.data.errors import (
    RETRYABLE_ERRORS,
    BackendError,
    BadResponse,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    ReadOnlyError,
    Timeout,
    Unauthorized,
    Unavailable,
)
from console.data.readonly import ForwardingBackend, ReadOnlyBackend
from console.data.store import ResourceState, Store, StoreCallback

__all__ = [
    "ACTION_NAMES",
    "RETRYABLE_ERRORS",
    "Backend",
    "BackendError",
    "BadResponse",
    "Conflict",
    "Forbidden",
    "Invalid",
    "NotFound",
    "RateLimited",
    "ReadOnlyError",
    "Timeout",
    "Unauthorized",
    "Unavailable",
    "AuditedBackend",
    "ForwardingBackend",
    "ReadOnlyBackend",
    "ResourceState",
    "Store",
    "StoreCallback",
]
