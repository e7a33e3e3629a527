"""Explore a model in JupyterLab: pick a pattern, fill its parameters, run it, see the request,
the items and the capacity (NoSQL Workbench's operation builder, in a notebook).

``wb.explore(model)`` returns an :class:`Explorer`; a notebook displays it as a small form.
Its handlers are plain methods (:meth:`Explorer.run`, :meth:`Explorer.dry_run`), so they can
be called, and tested, without a browser.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import WorkbenchError
from ..model.builder import RequestBuilder
from .report.params import parameters
from .report.runs import PatternRun, run_pattern

_PAGING = ("limit", "cursor")


class Explorer:
    """A form over one model's access patterns, on one engine.

    :param model: the model.
    :param engine: a connected engine; None shows dry runs only.
    :param table_name: default: the model's table name.
    :param items: the table's items (e.g. the sample data), to fill in example parameters.
    """

    def __init__(
        self,
        model: Any,
        engine: Any = None,
        table_name: str | None = None,
        items: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        import ipywidgets as w

        self.model = model
        self.engine = engine
        self.table_name = table_name or model.table.name
        self.items = list(items or [])
        self.builder = RequestBuilder(model)
        self.last_run: PatternRun | None = None
        self.frame: Any = None
        self.pattern = w.Dropdown(options=[p.name for p in model.patterns], description="pattern")
        self.description = w.HTML()
        self.params: dict[str, Any] = {}
        self.params_box = w.VBox()
        self.run_button = w.Button(
            description="Run", button_style="primary", disabled=engine is None
        )
        self.dry_run_button = w.Button(description="Dry run")
        self.next_button = w.Button(description="Next page", disabled=True)
        self.request_view = w.HTML()
        self.capacity_view = w.HTML()
        self.status = w.HTML()
        self.items_view = w.HTML()
        self.pattern.observe(lambda _change: self.select(self.pattern.value), names="value")
        self.run_button.on_click(lambda _button: self.run())
        self.dry_run_button.on_click(lambda _button: self.dry_run())
        self.next_button.on_click(lambda _button: self.next_page())
        self.widget = w.VBox(
            [
                self.pattern,
                self.description,
                self.params_box,
                w.HBox([self.run_button, self.dry_run_button, self.next_button]),
                self.status,
                self.capacity_view,
                self.request_view,
                self.items_view,
            ]
        )
        if model.patterns:
            self.select(self.pattern.value)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def select(self, name: str) -> None:
        """Show ``name``'s parameters, filled in from the items when they allow it."""
        import ipywidgets as w

        pattern = self.model.pattern(name)
        example: dict[str, Any] = {}
        if self.items:
            try:
                example = parameters(self.model, pattern, self.items)
            except WorkbenchError:
                example = {}
        self.params = {
            n: w.Text(
                description=n,
                value="" if example.get(n) is None else str(example[n]),
                placeholder="(default)" if n in _PAGING else "",
            )
            for n in self.builder.parameters(pattern)
        }
        self.params_box.children = tuple(self.params.values())
        self.description.value = (
            f"<b>{html.escape(pattern.operation)}</b> {html.escape(pattern.description or '')}"
            f" &mdash; returns {html.escape(', '.join(pattern.returns) or pattern.entity)}"
        )
        self.next_button.disabled = True

    def values(self) -> dict[str, Any]:
        """The parameters as filled in (blank ones left out, ``limit`` as a number)."""
        out: dict[str, Any] = {}
        for name, box in self.params.items():
            text = box.value.strip()
            if not text:
                continue
            out[name] = int(text) if name == "limit" and text.isdigit() else text
        return out

    def dry_run(self) -> Any:
        """Show the request the form would send; returns it (None if it cannot be built)."""
        try:
            request = self.builder.build(self.pattern.value, self.table_name, **self.values())
        except WorkbenchError as exc:
            self._error(str(exc))
            return None
        self.request_view.value = _pre(request.to_json())
        self.status.value = "dry run: nothing sent"
        return request

    def run(self) -> PatternRun | None:
        """Send the pattern with the form's parameters; show request, items and capacity."""
        from ..desk.frames import to_frame

        if self.engine is None:
            self._error("no engine: pass one to explore() to run patterns")
            return None
        try:
            self.builder.build(self.pattern.value, self.table_name, **self.values())
        except WorkbenchError as exc:
            self._error(str(exc))
            return None
        run = run_pattern(
            self.engine, self.model, self.pattern.value, self.values(), table_name=self.table_name
        )
        self.last_run = run
        self.request_view.value = _pre(run.request.to_json()) if run.request else ""
        self.frame = to_frame(run.items, self.model)
        self.items_view.value = self.frame.to_html(max_rows=50, na_rep="")
        self.capacity_view.value = (
            f"capacity: {html.escape(run.capacity.label())}" if run.capacity else ""
        )
        checks = "ok" if run.ok else "; ".join(run.problems)
        self.status.value = html.escape(f"{len(run.items)} items; checks: {checks}")
        self.next_button.disabled = not run.next_cursor or "cursor" not in self.params
        return run

    def next_page(self) -> PatternRun | None:
        """Run again from where the last page ended."""
        if self.last_run is None or not self.last_run.next_cursor:
            return None
        self.params["cursor"].value = self.last_run.next_cursor
        return self.run()

    def _error(self, message: str) -> None:
        self.status.value = f"<span style='color:#b00'>{html.escape(message)}</span>"


def _pre(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def explore(
    model: Any,
    engine: Any = None,
    table_name: str | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
) -> Explorer:
    """A form to run ``model``'s access patterns (a model, or a model file's path).

    :param engine: a connected engine (None: dry runs only).
    :param items: items to fill in example parameters from, e.g. the loaded sample data.
    :raises ModelError: if a model file is refused.
    """
    if isinstance(model, str | Path):
        from .modelfile import load_model

        model = load_model(model)
    return Explorer(model, engine, table_name, items)
