"""Choosing what a quick job runs: a searchable component list, then its variables as a form.

:class:`ComponentPickerScreen` loads the account's components through ``loader`` (the app
fetches them once and caches them) in a worker, and filters them as you type (name, category,
description). Enter picks the highlighted one, Esc cancels.

:class:`QuickJobFormScreen` asks for the job name and the component's variables, each field
pre-filled with the component's default. Variables without a default must be given, and
``boolean`` ones must read true or false; the form says which field is wrong instead of sending
a job the service would refuse. It dismisses with a :class:`QuickJobForm`, or None.

Names and descriptions come from the service: they are neutralised and shown as plain text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from datto_tui.api.errors import DattoError
from datto_tui.api.models import Component, ComponentVariable
from datto_tui.text import clean_block, clean_line

ComponentLoader = Callable[[], Awaitable[Sequence[Component]]]


def component_search_text(component: Component) -> str:
    parts = (component.name, component.category_code, component.description)
    return " ".join(clean_line(p, 200) for p in parts if p).lower()


def component_prompt(component: Component) -> Text:
    text = Text(clean_line(component.name or component.uid, 60), "bold")
    if component.category_code:
        text.append(f"  {clean_line(component.category_code, 20)}", "dim")
    if component.description:
        text.append(f"\n  {clean_line(component.description, 100)}", "dim")
    return text


class ComponentPickerScreen(ModalScreen[Component | None]):
    """Pick a component (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "to_list", "List", show=False, id="picker.to_list"),
    ]

    class Loaded(Message):
        def __init__(self, components: Sequence[Component] | None, error: str | None) -> None:
            super().__init__()
            self.components = components
            self.error = error

    def __init__(self, loader: ComponentLoader, *, devices: int) -> None:
        super().__init__(id="component-picker")
        self._loader = loader
        self._devices = devices
        self._components: list[Component] = []
        self._search: list[str] = []
        self._shown: list[int] = []

    def compose(self) -> ComposeResult:
        plural = "s" if self._devices != 1 else ""
        with Vertical(id="picker-dialog"):
            yield Static(
                Text(f"Quick job on {self._devices} device{plural} · pick a component"),
                id="picker-title",
            )
            yield Input(placeholder="search components", id="picker-search", compact=True)
            yield Static(Text("loading components…"), id="picker-status")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one("#picker-search", Input).focus()
        self.load()

    @work(group="components", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            components = await self._loader()
        except DattoError as error:
            self.post_message(self.Loaded(None, clean_line(str(error), 300)))
            return
        self.post_message(self.Loaded(components, None))

    def on_component_picker_screen_loaded(self, message: Loaded) -> None:
        status = self.query_one("#picker-status", Static)
        if message.components is None:
            status.update(Text(f"Could not load components: {message.error}"))
            return
        self._components = sorted(message.components, key=lambda c: (c.name or "").lower())
        self._search = [component_search_text(c) for c in self._components]
        self._refilter(self.query_one("#picker-search", Input).value)

    def _refilter(self, text: str) -> None:
        needle = text.strip().lower()
        self._shown = [i for i, hay in enumerate(self._search) if not needle or needle in hay]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [Option(component_prompt(self._components[i]), id=str(i)) for i in self._shown]
        )
        if self._shown:
            options.highlighted = 0
        total = len(self._components)
        status = self.query_one("#picker-status", Static)
        status.update(Text(f"{len(self._shown)} of {total} components · Enter picks"))

    @on(Input.Changed, "#picker-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    @on(Input.Submitted, "#picker-search")
    def _search_submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and self._shown:
            self._pick(self._shown[options.highlighted])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._pick(int(event.option.id))

    def _pick(self, index: int) -> None:
        self.dismiss(self._components[index])

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class QuickJobForm:
    """What the form asked for. Variable values may be secrets: never log them."""

    job_name: str
    variables: dict[str, str]

    def __repr__(self) -> str:
        return f"QuickJobForm(job_name={self.job_name!r}, variables=[{', '.join(self.variables)}])"


_TRUE_FALSE = {"true", "false"}


def ordered_variables(component: Component) -> list[ComponentVariable]:
    named = [v for v in component.variables if v.name]
    return sorted(named, key=lambda v: (v.index if v.index is not None else 1_000_000, v.name))


def check_variables(component: Component, values: dict[str, str]) -> tuple[str, str] | None:
    """(variable name, problem) for the first value the service would refuse, else None."""
    for variable in ordered_variables(component):
        name = variable.name or ""
        value = values.get(name, "").strip()
        kind = (variable.type or "").lower()
        if not value and variable.default_value is None:
            return name, f"{clean_line(name, 40)} needs a value"
        if value and kind == "boolean" and value.lower() not in _TRUE_FALSE:
            return name, f"{clean_line(name, 40)} must be true or false"
    return None


class QuickJobFormScreen(ModalScreen[QuickJobForm | None]):
    """The job name and the component's variables (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, component: Component, *, devices: int) -> None:
        super().__init__(id="quick-job-form")
        self.component = component
        self._devices = devices
        self._variables = ordered_variables(component)

    def compose(self) -> ComposeResult:
        c = self.component
        plural = "s" if self._devices != 1 else ""
        name = clean_line(c.name or c.uid, 60)
        with Vertical(id="form-dialog"):
            yield Static(
                Text(f"Quick job · {name} · {self._devices} device{plural}"), id="form-title"
            )
            description = clean_block(c.description or "", 400)
            if c.credentials_required:
                description += "\nRuns with the credentials set for the site or account."
            if description.strip():
                yield Static(Text(description.strip()), id="form-description")
            with VerticalScroll(id="form-fields"):
                yield Static(Text("Job name"), classes="form-label")
                yield Input(value=name, id="field-job-name", compact=True)
                for index, variable in enumerate(self._variables):
                    label = clean_line(variable.name, 60)
                    if variable.type:
                        label += f" ({clean_line(variable.type, 20)})"
                    if variable.default_value is None:
                        label += " · required"
                    yield Static(Text(label), classes="form-label")
                    if variable.description:
                        yield Static(
                            Text(clean_line(variable.description, 160)), classes="form-help"
                        )
                    yield Input(
                        value=clean_line(variable.default_value or "", 500),
                        placeholder="value",
                        id=f"field-var-{index}",
                        compact=True,
                    )
                if not self._variables:
                    yield Static(Text("This component has no variables."), classes="form-help")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Next: confirm devices", id="next", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-job-name", Input).focus()

    def _values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for index, variable in enumerate(self._variables):
            field = self.query_one(f"#field-var-{index}", Input)
            values[variable.name or ""] = field.value
        return values

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        fields = list(self.query(Input))
        if event.input is fields[-1]:
            self._submit()  # Enter on the last field goes on, as "Next" does
        else:
            fields[fields.index(event.input) + 1].focus()

    @on(Button.Pressed, "#next")
    def _submit(self) -> None:
        job_name = self.query_one("#field-job-name", Input).value.strip()
        error_line = self.query_one("#form-error", Static)
        if not job_name:
            error_line.update(Text("The job needs a name."))
            self.query_one("#field-job-name", Input).focus()
            return
        values = self._values()
        problem = check_variables(self.component, values)
        if problem is not None:
            name, text = problem
            error_line.update(Text(text))
            index = next(i for i, v in enumerate(self._variables) if v.name == name)
            self.query_one(f"#field-var-{index}", Input).focus()
            return
        self.dismiss(QuickJobForm(job_name, {k: v.strip() for k, v in values.items()}))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
