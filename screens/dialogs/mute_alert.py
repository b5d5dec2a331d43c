"""`MuteAlertDialog`: for how long to mute a WEKA alert type. WEKA mutes per type for a duration and
unmutes it by itself afterwards (reference/weka.md §7), so the question is only "how long"; each choice
is one key, and esc mutes nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from console.ui.keymap import MUTE_DURATIONS, MUTE_KEYS
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic


class MuteAlertDialog(RwcModal[int | None]):
    """Dismisses with the chosen duration in seconds, or None on esc (nothing is muted)."""

    KEYS = MUTE_KEYS

    DEFAULT_CSS = (
        card_css("MuteAlertDialog", width=64)
        + """
    MuteAlertDialog #mute-choices {
        margin-top: 1;
    }
    MuteAlertDialog #mute-keys {
        margin-top: 1;
        color: $text-muted;
    }
    """
    )

    def __init__(self, alert_type: str, title: str) -> None:
        super().__init__()
        self.alert_type = alert_type
        self.alert_title = title

    def compose(self) -> ComposeResult:
        frame = self.card(f"Mute {self.alert_type}")
        with frame:
            yield SafeStatic(
                Text.assemble(
                    "Mute every ",
                    (self.alert_type, "bold"),
                    " alert (",
                    self.alert_title,
                    ") for how long? WEKA shows it again after that.",
                    end="",
                ),
                id="mute-question",
            )
            choices = Text("\n", end="").join(
                Text.assemble((f"{key}  ", "bold"), words, end="") for key, words, _ in MUTE_DURATIONS
            )
            yield SafeStatic(choices, id="mute-choices")
            yield SafeStatic(Text.assemble(("esc", "bold"), " Cancel: mute nothing", end=""), id="mute-keys")

    def action_choose(self, seconds: int) -> None:
        self.dismiss(seconds)
