"""Which ranks the merged log view shows (`⇧r`): one line per rank with a mark, space shows or hides
the rank under the cursor, enter applies, esc keeps the view as it was. `r` steps through one rank at a
time; this picks several (the master against one worker, two workers that disagree)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import SelectionList

from console.ui.keymap import RANKS_KEYS
from console.ui.log_ranks import RankFilter
from console.ui.safe_text import visible
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic


class RanksDialog(RwcModal[RankFilter | None]):
    """Dismisses with the new filter (every rank when none or all are marked), None on esc."""

    KEYS = RANKS_KEYS

    DEFAULT_CSS = (
        card_css("RanksDialog")
        + """
    RanksDialog SelectionList {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }
    RanksDialog #ranks-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """
    )

    def __init__(self, workload_name: str, ranks: RankFilter) -> None:
        super().__init__()
        self.workload_name = workload_name
        self.ranks = ranks

    def compose(self) -> ComposeResult:
        shown = self.ranks.shown or frozenset(self.ranks.labels)
        with self.card(f"Logs of {self.workload_name}"):
            yield SafeStatic(Text("Which ranks to show?", end=""), id="ranks-question")
            yield SelectionList[str](
                *((Text(visible(label), end=""), label, label in shown) for label in self.ranks.labels),
                id="ranks-options",
            )
            yield SafeStatic(
                Text.assemble(
                    ("space", "bold"),
                    " show/hide   ",
                    ("enter", "bold"),
                    " apply   ",
                    ("esc", "bold"),
                    " keep",
                ),
                id="ranks-keys",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        marked = frozenset(self.query_one(SelectionList[str]).selected)
        every = marked == frozenset(self.ranks.labels)
        self.dismiss(RankFilter(self.ranks.labels, frozenset() if every else marked))
