"""The package's imports run one way, and never in a circle (read from the source, by AST).

The layers, lowest first (see the README's "Layout"); a module may import its own layer and
the ones below it, never one above:

    base      errors, paths, constants, clock, redact
    model     workbench.model: the design as pure data
    engine    workbench.engine: where requests go
    cruddur   workbench.cruddur: the bootcamp's system
    desk      workbench.desk: DataFrames, plots, a notebook's session, running a notebook
    design    workbench.design: tools for any model (they use the Cruddur scripts that work
              for any model, and the desk's frames)
    front     the front door (workbench/__init__.py), __main__, cli/, and the ``make run``
              runner (workbench.desk.notebooks, an entry point like the CLI)

Every import counts for the layer rule: module level, inside functions (a lazy import is
still a dependency) and under ``if TYPE_CHECKING:``. Circles are looked for over the same
imports, all of them, except those under ``if TYPE_CHECKING:`` (they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"

LAYERS = ("base", "model", "engine", "cruddur", "desk", "design", "front")
# Longest prefix wins.
PREFIXES = {
    "workbench": "front",
    "workbench.__main__": "front",
    "workbench.cli": "front",
    "workbench.desk.notebooks": "front",
    "workbench.errors": "base",
    "workbench.paths": "base",
    "workbench.constants": "base",
    "workbench.clock": "base",
    "workbench.redact": "base",
    "workbench.model": "model",
    "workbench.engine": "engine",
    "workbench.cruddur": "cruddur",
    "workbench.desk": "desk",
    "workbench.design": "design",
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        layer = PREFIXES.get(".".join(parts[:i]))
        if layer is not None and (i > 1 or len(parts) == 1):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to PREFIXES in {__file__}")


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == (
        "TYPE_CHECKING"
    )


def imports_of(source: str, module: str, is_package: bool, known: Iterable[str]) -> dict[str, bool]:
    """The workbench modules ``module`` imports: name to "runs" (False: TYPE_CHECKING only)."""
    known = set(known)
    found: dict[str, bool] = {}

    def add(target: str, runs: bool) -> None:
        found[target] = found.get(target, False) or runs

    def visit(node: ast.AST, runs: bool) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, runs)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "workbench":
                    add(alias.name, runs)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "workbench":
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    add(sub if sub in known else target, runs)
        for child in ast.iter_child_nodes(node):
            visit(child, runs)

    visit(ast.parse(source), True)
    found.pop(module, None)
    return found


def package_graph(package: Path = PACKAGE) -> dict[str, dict[str, bool]]:
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", paths)
        for name, path in paths.items()
    }


def upward_imports(graph: Mapping[str, Mapping[str, bool]]) -> list[str]:
    """``a (layer) -> b (layer)`` for every import of a higher layer."""
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    bad = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if rank[layer_of(target)] > rank[layer_of(module)]:
                bad.append(f"{module} ({layer_of(module)}) -> {target} ({layer_of(target)})")
    return bad


def circles(graph: Mapping[str, Mapping[str, bool]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (imports that run only)."""
    edges = {
        m: sorted(t for t, runs in ts.items() if runs and t in graph) for m, ts in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(groups)


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, bool]]:
    return package_graph()


def test_every_module_has_a_layer(graph):
    for module in graph:
        assert layer_of(module) in LAYERS


def test_imports_only_run_down(graph):
    assert upward_imports(graph) == []


def test_no_circles(graph):
    assert circles(graph) == []


def test_the_top_level_holds_only_the_base_and_the_front_door():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == [
        "__init__.py",
        "__main__.py",
        "clock.py",
        "constants.py",
        "errors.py",
        "paths.py",
        "redact.py",
    ]


def test_the_check_can_fail(tmp_path):
    """A small fake package with a circle and an upward import is caught."""
    fake = tmp_path / "workbench"
    (fake / "model").mkdir(parents=True)
    (fake / "engine").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "errors.py").write_text("")
    (fake / "model" / "__init__.py").write_text("")
    (fake / "engine" / "__init__.py").write_text("")
    # model -> engine runs up a layer (inside a function: still counted).
    (fake / "model" / "table.py").write_text(
        "def f():\n    from ..engine.send import send\n    return send\n"
    )
    # engine.send <-> engine.batch is a circle; the TYPE_CHECKING import is no edge.
    (fake / "engine" / "send.py").write_text("from . import batch\nfrom .. import errors\n")
    (fake / "engine" / "batch.py").write_text(
        "from typing import TYPE_CHECKING\nfrom .send import send\n"
        "if TYPE_CHECKING:\n    from ..model import table\n"
    )
    (fake / "engine" / "items.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .send import send\n"
    )
    (fake / "model" / "types.py").write_text("from workbench.engine import items\n")
    graph = package_graph(fake)
    assert graph["workbench.engine.send"] == {
        "workbench.engine.batch": True,
        "workbench.errors": True,
    }
    assert graph["workbench.engine.batch"]["workbench.model.table"] is False
    assert upward_imports(graph) == [
        "workbench.model.table (model) -> workbench.engine.send (engine)",
        "workbench.model.types (model) -> workbench.engine.items (engine)",
    ]
    assert circles(graph) == [["workbench.engine.batch", "workbench.engine.send"]]


def test_front_door_names():
    """``import workbench as wb`` gives exactly these names, each from its module."""
    import importlib

    import workbench as wb

    assert sorted(wb.__all__) == [
        "CRUDDUR",
        "Engine",
        "FixedClock",
        "Messenger",
        "Session",
        "StreamRunner",
        "WorkbenchError",
        "aggregate_view",
        "connect",
        "entity_chart",
        "explore",
        "export_table",
        "get_conversation",
        "gsi_view",
        "import_table",
        "list_conversations",
        "open_directory",
        "open_session",
        "pattern_chart",
        "scan",
        "schema_load",
        "seed",
        "setup_display",
        "to_frame",
    ]
    for name in wb.__all__:
        value = getattr(wb, name)
        assert value is getattr(importlib.import_module(wb._EXPORTS[name]), name)
        assert name in dir(wb)
    with pytest.raises(AttributeError):
        _ = wb.no_such_name
