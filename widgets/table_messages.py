"""What `ResourceTable` tells its screen: the cursor moved, a row was chosen, the sort changed.

Declared here with the table's namespace, so handlers keep their names (`on_resource_table_row_chosen`)
and the classes stay reachable as `ResourceTable.RowChosen`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from widgets.resource_table import ResourceTable


class TableMessage(Message, namespace="resource_table"):
    """A message about one `ResourceTable`, which is its `control`."""

    def __init__(self, table: ResourceTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> ResourceTable:
        return self.table


class RowHighlighted(TableMessage, namespace="resource_table"):
    """The cursor moved to another row (or to none); bursts collapse into the latest."""

    def __init__(self, table: ResourceTable, key: str | None) -> None:
        super().__init__(table)
        self.key = key

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RowHighlighted) and message.table is self.table


class RowChosen(TableMessage, namespace="resource_table"):
    """The user pressed enter (or clicked the cursor row) to open a row."""

    def __init__(self, table: ResourceTable, key: str) -> None:
        super().__init__(table)
        self.key = key


class SortChanged(TableMessage, namespace="resource_table"):
    """The sort column or direction changed, so a screen can remember it."""

    def __init__(self, table: ResourceTable, column_key: str | None, reverse: bool) -> None:
        super().__init__(table)
        self.column_key = column_key
        self.reverse = reverse
