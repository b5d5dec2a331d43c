"""A workload or a node exactly as the API returns it (`Backend.describe_workload`, `describe_node`): `y`
on a workload (Run:ai's object) or a node (Kubernetes' Node: labels, capacity, allocatable).

The detail view explains; this one shows the raw object, for the field the detail view does not show
and for pasting into a ticket. YAML by default (what `kubectl get -o yaml` and k9s show), `⇧j` for
JSON; `/` searches, `w` wraps, ctrl+s saves the text as shown, ctrl+r fetches it again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.worker import Worker, WorkerState

from console.data.errors import BackendError
from console.ui.keymap import DESCRIBE_KEYS
from console.ui.yaml_text import to_json, to_yaml
from screens.context import ConsoleContext
from screens.text_view import TextViewScreen, safe_file_part

DESCRIBE_WORKER_GROUP = "describe"
_YAML_KEY = re.compile(r"^(\s*(?:- )*)([^\s:#\"'][^:]*|\"(?:[^\"\\]|\\.)*\"):(?=\s|$)")
_JSON_KEY = re.compile(r"^(\s*)(\"(?:[^\"\\]|\\.)*\")(?=:)")


def key_highlighter(style: Style, *, json_format: bool) -> Callable[[Text], None]:
    """Colour the keys of a YAML or JSON line (values stay plain: they are the data being read)."""
    pattern = _JSON_KEY if json_format else _YAML_KEY

    def highlight(text: Text) -> None:
        match = pattern.match(text.plain)
        if match is not None:
            text.stylize(style, match.start(2), match.end(2))

    return highlight


class DescribeScreen(TextViewScreen):
    """Pushed over the workloads list or the detail view; esc goes back."""

    SCREEN_NAME = "describe"
    TITLE = "Describe"
    KEYS = DESCRIBE_KEYS
    SAVE_SUFFIX: ClassVar[str] = "yaml"

    def __init__(
        self,
        context: ConsoleContext,
        *,
        workload_id: str = "",
        workload_name: str = "",
        fetch: Callable[[], Awaitable[dict[str, object]]] | None = None,
    ) -> None:
        super().__init__(context)
        self.workload_id = workload_id
        self.workload_name = workload_name
        """The name in the title and the saved file's name (a node's, for `of_node`)."""
        backend = context.backend
        self._fetch = fetch or (lambda: backend.describe_workload(workload_id))
        self.json_format = False
        self.described: dict[str, object] | None = None
        self._load_error: str | None = None

    @classmethod
    def of_node(cls, context: ConsoleContext, name: str) -> DescribeScreen:
        """`y` on a node: the Node object from the Kubernetes API."""
        backend = context.backend
        return cls(context, workload_name=name, fetch=lambda: backend.describe_node(name))

    @property
    def screen_title(self) -> str:
        return f"Describe {self.workload_name}"

    @property
    def format_name(self) -> str:
        return "json" if self.json_format else "yaml"

    def save_file_name(self, now: datetime) -> str:
        return f"rwc-{safe_file_part(self.workload_name)}-{now:%Y%m%d-%H%M%S}.{self.format_name}"

    def on_mount(self) -> None:
        self.view.follow = False
        self.load()

    # -- loading ----------------------------------------------------------------------------------------
    @work(exclusive=True, group=DESCRIBE_WORKER_GROUP, exit_on_error=False)
    async def load(self) -> dict[str, object]:
        return await self._fetch()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != DESCRIBE_WORKER_GROUP:
            return
        if event.state is WorkerState.SUCCESS and isinstance(worker.result, dict):
            self.described = worker.result
            self._load_error = None
            self.show_document()
        elif event.state is WorkerState.ERROR:
            error = worker.error
            self._load_error = str(error) if isinstance(error, BackendError) else f"{type(error).__name__}"
            self.show_status()
            self.notify(self._load_error, title=self.screen_title, severity="error", timeout=8, markup=False)

    def action_refresh(self) -> None:
        self.load()

    # -- showing ----------------------------------------------------------------------------------------
    def document_text(self) -> str:
        if self.described is None:
            return ""
        return to_json(self.described) if self.json_format else to_yaml(self.described)

    def show_document(self) -> None:
        """Render the object in the current format, keeping the scroll position as far as it fits."""
        view = self.view
        top = round(view.scroll_y)
        view.highlighter = key_highlighter(self.palette.accent, json_format=self.json_format)
        view.clear()
        view.append_lines(self.document_text().splitlines())
        view.scroll_to(y=top, animate=False, immediate=True)
        self.show_status()

    def action_toggle_format(self) -> None:
        self.json_format = not self.json_format
        if self.described is not None:
            self.show_document()  # the search term stays; its matches are found again in the new text

    def palette_changed(self) -> None:
        if self.described is not None and self.is_mounted:
            self.show_document()

    def status_parts(self) -> list[Text]:
        parts = [Text(self.format_name.upper(), self.palette.accent)]
        if self._load_error is not None:
            parts.append(Text(f"cannot load: {self._load_error}", self.palette.error))
        elif self.described is None:
            parts.append(Text("loading…", self.palette.muted))
        return [*parts, *super().status_parts()]
