"""A quick job run as it happens, then its results per device.

:class:`JobRunScreen` lists the run's devices with their state (refused with the reason, sent,
running with the deployment status, Success/Warning/Failure, failed with the reason). It renders
:class:`JobRunScreen.JobChanged` messages posted by the run's worker (the worker belongs to the
app, so the run goes on when this screen is closed; ``s`` stops following). Enter opens
:class:`JobOutputScreen` for the device under the cursor: its component results and the job's
stdout and stderr, neutralised (``clean_block``) and shown as plain text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from datto_tui.monitor.jobs import DeviceJob, JobState, QuickJobRun
from datto_tui.monitor.pacing import CancelToken
from datto_tui.text import clean_line
from datto_tui.tui.fmt import timestamp

_STATE_STYLE = {
    JobState.REFUSED: "dim",
    JobState.FAILED: "bold",
    JobState.NOT_SENT: "dim",
    JobState.STOPPED: "dim",
}


def status_cell(job: DeviceJob) -> Text:
    style = _STATE_STYLE.get(job.state, "")
    if job.state is JobState.DONE and (job.deployment or "").lower() == "failure":
        style = "bold"
    return Text(clean_line(job.status_text, 200), style)


def run_summary(run: QuickJobRun) -> str:
    counts = run.counts()
    return ", ".join(f"{n} {state.lower()}" for state, n in sorted(counts.items()))


class JobRunScreen(Screen[None]):
    """The devices of a quick job run (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="jobs.close"),
        Binding("enter", "show_output", "Output", id="jobs.output"),
        Binding("s", "stop", "Stop following", id="jobs.stop"),
    ]

    class JobChanged(Message):
        """One device's part of the run changed (``job`` is a copy, safe to keep)."""

        def __init__(self, job: DeviceJob) -> None:
            super().__init__()
            self.job = job

    class RunFinished(Message):
        def __init__(self, error: str | None = None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, run: QuickJobRun, cancel: CancelToken) -> None:
        super().__init__(id="job-run-screen")
        self.job_run = run
        self.cancel = cancel
        self._jobs: dict[str, DeviceJob] = {j.device_uid: replace(j) for j in run.jobs}
        self.finished = run.finished
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        plan = self.job_run.plan
        name = clean_line(plan.job_name, 60)
        component = clean_line(plan.component.name or plan.component.uid, 60)
        n = len(plan.devices)
        title = f"Quick job '{name}' · {component} · {n} device{'s' if n != 1 else ''}"
        yield Static(Text(title), id="job-title")
        yield Static("", id="job-summary")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="job-table")
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(Text("Device"), key="device", width=28)
        table.add_column(Text("Status"), key="status", width=60)
        table.add_column(Text("Ran on"), key="ran", width=20)
        for job in self._jobs.values():
            table.add_row(*self._cells(job), key=job.device_uid)
        self._show_summary()
        table.focus()

    def _cells(self, job: DeviceJob) -> tuple[Text, Text, Text]:
        ran = job.result.ran_on if job.result is not None else None
        return (
            Text(clean_line(job.hostname, 60)),
            status_cell(job),
            Text(timestamp(ran) if ran else ""),
        )

    def _show_summary(self) -> None:
        text = run_summary(replace(self.job_run, jobs=list(self._jobs.values())))
        if self._error:
            text = f"{self._error} · {text}"
        elif self.finished:
            text = f"finished · {text} · Enter shows a device's output"
        elif self.cancel.cancelled:
            text = f"stopping… · {text}"
        self.query_one("#job-summary", Static).update(Text(text))

    def job(self, device_uid: str) -> DeviceJob | None:
        return self._jobs.get(device_uid)

    def on_job_run_screen_job_changed(self, message: JobChanged) -> None:
        job = message.job
        self._jobs[job.device_uid] = job
        table = self.query_one(DataTable)
        device, status, ran = self._cells(job)
        table.update_cell(job.device_uid, "device", device)
        table.update_cell(job.device_uid, "status", status)
        table.update_cell(job.device_uid, "ran", ran)
        self._show_summary()

    def on_job_run_screen_run_finished(self, message: RunFinished) -> None:
        self.finished = True
        self._error = message.error
        self._show_summary()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_stop(self) -> None:
        if not self.finished and not self.cancel.cancelled:
            self.cancel.cancel()
            self._show_summary()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_output()

    def action_show_output(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        job = self._jobs.get(key or "")
        if job is not None:
            self.app.push_screen(JobOutputScreen(job, self.job_run))


def output_text(job: DeviceJob) -> Text:
    """Component results, then stdout and stderr, as plain text."""
    out = Text(end="")
    out.append("State        ", "bold")
    out.append(clean_line(job.status_text, 300))
    result = job.result
    if result is not None and result.ran_on is not None:
        out.append("\nRan on       ", "bold")
        out.append(timestamp(result.ran_on))
    if result is not None:
        for component in result.component_results:
            out.append("\nComponent    ", "bold")
            out.append(clean_line(component.component_name or component.component_uid, 80))
            out.append(f" · {clean_line(component.component_status or '?', 30)}")
            if component.number_of_warnings:
                out.append(f" · {component.number_of_warnings} warning(s)")
    if job.job_uid:
        out.append("\nJob UID      ", "bold")
        out.append(clean_line(job.job_uid, 80), "dim")
    for title, body in (("stdout", job.stdout), ("stderr", job.stderr)):
        out.append(f"\n\n── {title} ──\n", "bold")
        out.append(body if body else "(empty)", "" if body else "dim")
    return out


class JobOutputScreen(Screen[None]):
    """One device's results and output of a quick job."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="output.close"),
    ]

    def __init__(self, job: DeviceJob, run: QuickJobRun) -> None:
        super().__init__(id="job-output-screen")
        self.job = job
        self.job_run = run

    def compose(self) -> ComposeResult:
        component = clean_line(self.job_run.plan.component.name or "", 60)
        title = f"{clean_line(self.job.hostname, 60)} · {component} · {self.job.status_text}"
        yield Static(Text(clean_line(title, 200)), id="output-title")
        with VerticalScroll(id="output-body"):
            yield Static(output_text(self.job), id="output-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#output-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
