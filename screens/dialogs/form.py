"""`FormScreen`: a small modal form — labelled fields, inline errors under each, ctrl+s to save.

Every create/edit dialog (project, quota, workload, filesystem, snapshot) is a subclass that lists its
`FormField`s, checks cross-field rules in `validate`, and runs the backend call in `submit` through
`run_submit`. The form is only closed by success or esc: a refusal — local validation or the backend's
`Invalid`/`Conflict` — is shown next to the field it concerns, and everything typed stays, because
retyping a whole form to fix one value is what makes people stop using forms.

Fields are one line each (compact inputs, label on the left) so a dozen fit on an 80x24 terminal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Generic, Literal, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Spacing
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.select import NoSelection
from textual.worker import Worker

from console.data.errors import BackendError, Conflict, Invalid
from console.model.names import DNS_LABEL_MAX_LENGTH, is_dns1123_label
from console.ui.keymap import FORM_KEYS
from console.ui.safe_text import visible
from screens.action_runner import run_action
from screens.dialogs.card import card_css
from screens.dialogs.modal import RwcModal
from widgets.safe_static import SafeStatic
from widgets.textual_compat import FacedCheckbox

R = TypeVar("R")
T = TypeVar("T")

FieldKind = Literal["text", "number", "select", "switch"]
FieldValue = Any
"""What `FormScreen.values()` holds per field: `str` (text, number — stripped, parse it yourself or
with `parse_number`), the chosen option's value or None (select), `bool` (switch: a yes/no checkbox)."""


# -- validators: value -> error message or None ---------------------------------------------------------
def parse_number(text: str) -> float:
    """`"2"`, `"0.5"`, `" 1e1 "` -> float; ValueError for anything else (including nan and inf)."""
    number = float(text.strip())
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def validate_dns1123_label(value: FieldValue) -> str | None:
    """Kubernetes names (projects, namespaces, workloads): lower-case letters, digits, '-', ≤ 63."""
    name = str(value or "")
    if not name:
        return "A name is required."
    if len(name) > DNS_LABEL_MAX_LENGTH:
        return f"At most {DNS_LABEL_MAX_LENGTH} characters (this is {len(name)})."
    if not is_dns1123_label(name):
        return "Use lower-case letters, digits and '-', starting and ending with a letter or digit."
    return None


def validate_required(value: FieldValue) -> str | None:
    return "Required." if value is None or value == "" else None


def validate_non_negative(value: FieldValue) -> str | None:
    """A number ≥ 0 (GPUs, weights); blank is refused — use a default value in the field instead."""
    try:
        number = parse_number(str(value))
    except ValueError:
        return "Enter a number, e.g. 0, 2 or 0.5."
    return "Cannot be negative." if number < 0 else None


def validate_limit(value: FieldValue) -> str | None:
    """A limit: blank or -1 means unlimited, otherwise a number ≥ 0."""
    text = str(value or "").strip()
    if text in ("", "-1"):
        return None
    error = validate_non_negative(text)
    return f"{error} Blank or -1 means unlimited." if error else None


def parse_limit(value: FieldValue) -> float:
    """A validated limit field as the API wants it: -1 for unlimited."""
    text = str(value or "").strip()
    return -1.0 if text in ("", "-1") else parse_number(text)


def switch_label(on: bool) -> str:
    return "yes" if on else "no"


class YesNoBox(FacedCheckbox):
    """A checkbox that reads the same without colour: `[x] yes` / `[ ] no`, where Textual's own
    `▐X▌` shows an X in both states and tells them apart by colour alone."""

    def face(self) -> Content:
        return Content.styled("[x]" if self.value else "[ ]", self.get_visual_style("toggle--button"))


_DROPDOWN_MAX_HEIGHT = 12
"""Rows an opened select's list may take at most, its border included (Textual's own limit)."""

_PREFILLED_NUMBER = re.compile(r"^\s*[0-9][0-9.,]*\s*[A-Za-z%]{0,4}\s*$")
"""`8`, `0.5`, `200TiB`, `1PB`: a pre-filled value that typing should replace, not extend."""


BLANK_SELECT_ERROR = "Nothing is chosen: press enter and pick one."
"""Under a select left blank, when the form has no more specific word for it."""


@dataclass(frozen=True, slots=True)
class FormField:
    """One labelled field. `value` is the initial value (text, the option's value, or a bool)."""

    name: str
    label: str
    kind: FieldKind = "text"
    value: FieldValue = None
    options: Sequence[tuple[str, object]] = ()
    """For a select: (label, value) pairs, shown in this order."""
    placeholder: str = ""
    validate: Callable[[FieldValue], str | None] | None = None
    """Checked on save; returns the message shown under the field, or None when the value is fine."""
    disabled: bool = False


class FormScreen(RwcModal[R | None], Generic[R]):
    """A modal form that dismisses with the backend's result on success and None on esc.

    Subclasses implement `submit(values)` (usually one `run_submit(...)`) and may add cross-field
    checks in `validate(values)`. Map backend field names onto form fields with `FIELD_ALIASES`, and
    name the field a `Conflict` ("already exists") points at with `CONFLICT_FIELD`.
    """

    KEYS = FORM_KEYS
    FIELD_ALIASES: ClassVar[Mapping[str, str]] = {}
    CONFLICT_FIELD: ClassVar[str | None] = None
    LABEL_WIDTH: ClassVar[int] = 24

    DEFAULT_CSS = (
        card_css("FormScreen", width=76)
        + """
    FormScreen #form-fields {
        height: auto;
        max-height: 18;
    }
    FormScreen .form-row {
        height: 1;
    }
    FormScreen .form-label {
        width: 24;
        color: $text-muted;
    }
    FormScreen .form-row Input, FormScreen .form-row Select {
        width: 1fr;
    }
    /* A long choice is cut with … on its one line: wrapped, its second line would push the list down. */
    FormScreen .form-row SelectCurrent Static#label {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* Compact selects and checkboxes show no focus of their own: reverse video shows it, colour or not. */
    FormScreen .form-row Select:focus > SelectCurrent, FormScreen .form-row Checkbox:focus {
        text-style: reverse;
    }
    FormScreen .form-field-error {
        color: $error;
        margin-left: 24;
        height: auto;
    }
    FormScreen .form-field-error.-empty, FormScreen #form-error.-empty {
        display: none;
    }
    FormScreen #form-error {
        color: $error;
        height: auto;
        margin-top: 1;
    }
    FormScreen #form-status {
        color: $text-muted;
        margin-top: 1;
    }
    """
    )

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        *,
        submit_label: str = "Save",
    ) -> None:
        super().__init__()
        names = [field.name for field in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"form field names must be unique: {names}")
        self.form_title = title
        self.fields: tuple[FormField, ...] = tuple(fields)
        self.submit_label = submit_label
        self.busy = False
        """True while a save runs; another ctrl+s waits for its answer instead of saving twice."""
        self._widgets: dict[str, Widget] = {}
        self._errors: dict[str, Static] = {}

    # -- composition ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        frame = Vertical(id="form-frame")
        frame.border_title = Text(visible(self.form_title), end="")  # API names: text, not markup
        with frame:
            with VerticalScroll(id="form-fields", can_focus=False):
                for index, field in enumerate(self.fields):
                    widget = self._make_widget(field, f"form-field-{index}")
                    self._widgets[field.name] = widget
                    error = Static("", classes="form-field-error -empty")
                    self._errors[field.name] = error
                    with Horizontal(classes="form-row"):
                        yield Label(Text(field.label, end=""), classes="form-label")
                        yield widget
                    yield error
            yield SafeStatic("", id="form-error", classes="-empty")
            yield SafeStatic(self._status_text(), id="form-status")

    def _make_widget(self, field: FormField, widget_id: str) -> Widget:
        if field.kind == "select":
            options = [(Text(label, end=""), value) for label, value in field.options]
            initial = field.value if any(value == field.value for _, value in field.options) else Select.NULL
            return Select(options, value=initial, id=widget_id, compact=True, disabled=field.disabled)
        if field.kind == "switch":
            # A checkbox labelled yes/no rather than a Switch: a Switch shows its state by colour only,
            # which a monochrome terminal (NO_COLOR) cannot show.
            on = bool(field.value)
            return YesNoBox(switch_label(on), on, id=widget_id, compact=True, disabled=field.disabled)
        value = "" if field.value is None else str(field.value)
        return Input(
            value,
            placeholder=field.placeholder,
            id=widget_id,
            compact=True,
            disabled=field.disabled,
            # A pre-filled number is selected on focus, so typing `4` gives 4, not 14; text (a name,
            # an image) keeps the cursor at its end to be edited.
            select_on_focus=bool(_PREFILLED_NUMBER.match(value)),
        )

    def _status_text(self, busy: bool = False) -> Text:
        if busy:
            return Text(f"{self.submit_label}…", end="")
        return Text.assemble(
            ("^s", "bold"),
            f" {self.submit_label}   ",
            ("esc", "bold"),
            " Cancel   ",
            ("tab", "bold"),
            " Next",
            end="",
        )

    def on_mount(self) -> None:
        """The first text field has focus (what a user types first is a name), else the first field.

        Focused here and now (`Screen.set_focus`), not with `Widget.focus`, which only queues it on the
        app: keys typed ahead are let in once the form is painted, and must find the field focused
        rather than the first select that Textual's auto-focus picks meanwhile."""
        enabled = [widget for widget in self._widgets.values() if not widget.disabled]
        first: Widget | None = next((widget for widget in enabled if isinstance(widget, Input)), None)
        if first is None and enabled:
            first = enabled[0]
        if first is not None:
            self.set_focus(first)
        for widget in self._widgets.values():
            if isinstance(widget, Select):
                self.watch(widget, "expanded", partial(self._fit_dropdown, widget), init=False)

    def _fit_dropdown(self, select: Select[Any], expanded: bool) -> None:
        """Keep an opened list inside the dialog, where Textual only keeps it on the screen (it would
        hang over the dialog's border and the table behind): below the field when it fits there or
        there is more room below, else above the field; shortened to the room it has (it scrolls)."""
        if not expanded:
            return
        overlay = select.query_one("SelectOverlay", OptionList)
        field = select.query_one("SelectCurrent").region
        inside = self.query_one("#form-frame").region.shrink(Spacing(1, 0, 1, 0))  # within the border
        gutter = overlay.styles.gutter.height  # its border, if any (a compact select's list has none)
        wanted = min(overlay.option_count + gutter, _DROPDOWN_MAX_HEIGHT)
        below = inside.bottom - field.bottom
        above = field.y - inside.y
        if max(below, above) <= gutter:
            return  # no room for one choice inside: Textual keeps the list on the screen
        if wanted <= below or below >= above:
            height, offset_y = min(wanted, below), 0
        else:
            height = min(wanted, above)
            offset_y = -(height + field.height)
        overlay.styles.max_height = height
        overlay.styles.offset = (0, offset_y)

    # -- values -----------------------------------------------------------------------------------
    def widget_for(self, name: str) -> Widget:
        return self._widgets[name]

    def value_of(self, name: str) -> FieldValue:
        widget = self._widgets[name]
        if isinstance(widget, Select):
            value = widget.value
            return None if isinstance(value, NoSelection) else value
        if isinstance(widget, Checkbox):
            return widget.value
        assert isinstance(widget, Input)
        return widget.value.strip()

    def values(self) -> dict[str, FieldValue]:
        """Every field's current value by name (see `FieldValue`)."""
        return {field.name: self.value_of(field.name) for field in self.fields}

    def validate(self, values: Mapping[str, FieldValue]) -> dict[str, str]:
        """Cross-field rules (a limit below the deserved share); field -> message. Per-field checks
        belong in `FormField.validate`."""
        return {}

    def submit(self, values: dict[str, FieldValue]) -> None:
        """Run the backend call for valid `values`; usually `self.run_submit(...)`."""
        raise NotImplementedError

    def run_submit(
        self,
        label: str,
        call: Callable[[], Awaitable[T]],
        *,
        success: str | Callable[[T], str] | None = None,
    ) -> Worker[T | None]:
        """`run_action` wired to the form: a refusal shows here with the values kept; success closes
        the form with the result."""
        self._set_busy(True)

        def succeeded(result: T) -> None:
            self._set_busy(False)
            self.dismiss(result)  # type: ignore[arg-type]

        return run_action(
            self,
            label,
            call,
            success=success,
            on_error=self.show_backend_error,
            on_success=succeeded,
        )

    # -- errors -----------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for name in self._errors:
            self._set_field_error(name, "")
        self._set_form_error("")

    def show_error(self, message: str, field: str | None = None) -> None:
        """Show `message` under `field` (a form field or a backend name in `FIELD_ALIASES`) and put the
        cursor there; without a known field, under the form. Nothing typed is touched."""
        name = self.FIELD_ALIASES.get(field, field) if field is not None else None
        if name is not None and name in self._widgets:
            self._set_field_error(name, message)
            widget = self._widgets[name]
            if not widget.disabled:
                widget.focus()
                self.query_one("#form-fields", VerticalScroll).scroll_to_widget(widget, animate=False)
        else:
            self._set_form_error(message)

    def show_backend_error(self, error: BackendError) -> None:
        """`on_error` of `run_submit`: point an `Invalid` at its field, a `Conflict` at `CONFLICT_FIELD`."""
        self._set_busy(False)
        field: str | None = None
        if isinstance(error, Invalid):
            field = error.field
        elif isinstance(error, Conflict):
            field = self.CONFLICT_FIELD
        self.show_error(str(error), field)

    def _set_field_error(self, name: str, message: str) -> None:
        error = self._errors[name]
        error.update(Text(message, end=""))
        error.set_class(not message, "-empty")

    def _set_form_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Text(message, end=""))
        error.set_class(not message, "-empty")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if self.is_mounted:
            self.query_one("#form-status", Static).update(self._status_text(busy))

    # -- keys -------------------------------------------------------------------------------------
    def action_submit(self) -> None:
        """Validate every field, show all problems at once (cursor on the first), save if none."""
        if self.busy:
            return
        values = self.values()
        self.clear_errors()
        errors: dict[str, str] = {}
        for field in self.fields:
            if field.validate is not None and not field.disabled:
                message = field.validate(values[field.name])
                if message:
                    errors[field.name] = message
        for name, message in self.validate(values).items():
            errors.setdefault(name, message)
        for field in self.fields:
            widget = self._widgets[field.name]
            if isinstance(widget, Select) and not field.disabled and isinstance(widget.value, NoSelection):
                # A blank select is never sent (a form would fill in a default the user did not choose).
                errors.setdefault(field.name, BLANK_SELECT_ERROR)
        if errors:
            for name, message in reversed(list(errors.items())):
                self.show_error(message, name)  # reversed: the cursor ends on the first problem
            return
        self.submit(values)

    @on(Input.Submitted)
    def _enter_pressed(self, message: Input.Submitted) -> None:
        """Enter moves to the next field; on the last text field it saves."""
        message.stop()
        inputs = [widget for widget in self._widgets.values() if isinstance(widget, Input)]
        if inputs and message.input is inputs[-1]:
            self.action_submit()
        else:
            self.focus_next()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _value_changed(self, message: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        """A field the user is fixing loses its stale error message."""
        message.stop()
        if isinstance(message, Checkbox.Changed):
            message.checkbox.label = switch_label(message.value)
        for name, widget in self._widgets.items():
            if widget is message.control:
                self._set_field_error(name, "")
