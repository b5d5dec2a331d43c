"""Reusable widgets for rwc screens, imported lazily so one widget never drags in the others.

`from widgets import ResourceTable` works as usual; the module holding it is imported on first use,
as `textual.widgets` does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from widgets.resource_table import Column, ResourceTable, Row, RowCache

__all__ = ["Column", "ResourceTable", "Row", "RowCache"]

_LAZY_EXPORTS: dict[str, str] = {
    "Column": "widgets.resource_table",
    "ResourceTable": "widgets.resource_table",
    "Row": "widgets.resource_table",
    "RowCache": "widgets.resource_table",
}
"""Exported name -> module that defines it."""


def __getattr__(name: str) -> Any:
    try:
        module_name = _LAZY_EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
