"""The baseline for start-up: the smallest Textual app, painting one line."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("HELLO-BASELINE")


if __name__ == "__main__":
    HelloApp().run()
