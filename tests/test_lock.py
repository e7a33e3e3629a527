"""Reproducible installs and outputs: the lock, environment.yml, stored notebook outputs, waits.

A fresh clone must install what the lock says and reproduce the stored outputs the day the next
moto, pandas or JupyterLab ships: nothing stored may name a patch release, the machine, a path
or the day it was built.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import socket
import sys
import tomllib
from datetime import date
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "workbench" / "data").glob("*.ipynb")
)


def _lock_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _locked() -> dict[str, list[tuple[str, str | None]]]:
    """Canonical name -> [(version, marker)] (universal locks may pin one name per marker)."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for name, version, marker in _lock_tool().pins(LOCK.read_text()):
        found.setdefault(canonicalize_name(name), []).append((version, marker))
    return found


def _applies(marker: str | None) -> bool:
    return marker is None or Requirement(f"x ; {marker}").marker.evaluate()  # type: ignore[union-attr]


def _wanted() -> list[Requirement]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    texts = list(project["dependencies"]) + list(pyproject["build-system"]["requires"])
    for extra in _lock_tool().EXTRAS:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def test_every_pin_in_the_lock_has_hashes() -> None:
    text = LOCK.read_text()
    pins = _lock_tool().pins(text)
    assert len(pins) > 100
    # Each requirement is a line ending in "\" followed by its --hash lines.
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [b.split()[0] for b in blocks if "==" in b.split("\n")[0] and "--hash" not in b]
    assert not unhashed, f"pins without hashes: {unhashed}"


def test_the_lock_satisfies_every_range_of_pyproject() -> None:
    locked = _locked()
    problems = []
    for requirement in _wanted():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pins = [v for v, m in locked.get(canonicalize_name(requirement.name), []) if _applies(m)]
        if not pins:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not all(requirement.specifier.contains(v, prereleases=True) for v in pins):
            problems.append(f"{requirement} but the lock pins {pins}")
    assert not problems, "; ".join(problems) + ": run `make lock`"


def test_this_environment_is_installed_from_the_lock() -> None:
    """What `make test` runs on is exactly the lock (the Makefile installs with hashes)."""
    differ = []
    for name, pins in _locked().items():
        for version, marker in pins:
            if not _applies(marker):
                continue
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                differ.append(f"{name}: not installed (lock: {version})")
                continue
            if canonicalize_name(installed) != canonicalize_name(version):
                differ.append(f"{name}: {installed} installed, {version} locked")
    assert not differ, "; ".join(differ) + ": run `make install`"


def test_the_makefile_installs_from_the_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    install = makefile[makefile.index("$(STAMP):") : makefile.index("install: $(STAMP)")]
    assert "requirements.lock" in install.split("\n")[0]  # a new lock reinstalls
    assert "--require-hashes" in install and "-r requirements.lock" in install
    # The package itself without its ranges: they would let pip choose other versions.
    assert "--no-deps" in install.replace("--require-hashes --no-deps", "")
    assert "'.[dev]'" not in install


def test_environment_yml_pins_what_the_lock_pins() -> None:
    tool = _lock_tool()
    text = (ROOT / "environment.yml").read_text()
    assert text == tool.environment_text(LOCK.read_text()), "run `make lock`"
    env = yaml.safe_load(text)
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {canonicalize_name(Requirement(r).name) for r in pip_section if not r.startswith("-")}
    assert listed == set(_locked())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("python>=3.11") for d in conda)
    # The local engine is moto's server: Java and Node.js are not needed (issue 9).
    assert not [d for d in conda if d.startswith(("openjdk", "nodejs"))]


def test_a_stale_environment_yml_is_caught(tmp_path: Path) -> None:
    tool = _lock_tool()
    lock = LOCK.read_text()
    moto_version = next(v for n, v, _ in tool.pins(lock) if n == "moto")
    bumped = lock.replace(f"moto=={moto_version}", "moto==9.9.9")
    assert tool.environment_text(bumped) != tool.environment_text(lock)


# --- stored notebook outputs ------------------------------------------------------------------


def _outputs() -> list[tuple[str, str, str]]:
    """(notebook, cell id, output as JSON text) of every stored output."""
    found = []
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text())
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                # Pictures are base64: any short word turns up in them by chance.
                data = {k: v for k, v in output.get("data", {}).items() if k.startswith("text/")}
                shown = {**output, "data": data} if "data" in output else output
                found.append((path.name, cell.get("id", "?"), json.dumps(shown)))
    return found


def _varying_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """What changes with a patch release, the machine, a path or the day."""
    patterns = []
    for dist in metadata.distributions():
        name, version = dist.metadata["Name"], dist.version
        if not name:
            continue
        # "moto 5.2.5", "moto==5.2.6", "moto-5.2.5", "moto: 5.2.5": any patch release, not only
        # the installed one (a stored output is made with one release and checked with another).
        names = "|".join(sorted({re.escape(name), re.escape(canonicalize_name(name))}))
        patterns.append(
            (f"{name}'s version", re.compile(rf"(?i)\b(?:{names})\W{{1,3}}\d+\.\d+\.\d+"))
        )
        if version.count(".") >= 2:
            patterns.append(
                (f"{name} {version}", re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w.])"))
            )
    python = ".".join(str(part) for part in sys.version_info[:3])
    patterns.append(("Python's version", re.compile(rf"(?<![\d.]){re.escape(python)}(?![\d.])")))
    for label, text in [
        ("the project's path", str(ROOT)),
        ("the home folder", str(Path.home())),
        ("the venv", sys.prefix),
        ("a temporary folder", "/tmp/"),
        ("site-packages", "site-packages"),
        ("today's date", date.today().isoformat()),
    ]:
        patterns.append((label, re.compile(re.escape(text))))
    patterns.append(("the host name", re.compile(rf"\b{re.escape(socket.gethostname())}\b")))
    patterns.append(("a port", re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\]):\d{2,5}")))
    return patterns


def test_stored_notebook_outputs_hold_nothing_that_varies() -> None:
    outputs = _outputs()
    assert len(outputs) > 50  # the scan reads something
    found = []
    for label, pattern in _varying_patterns():
        for notebook, cell, text in outputs:
            match = pattern.search(text)
            if match:
                found.append(f"{notebook} cell {cell}: {label} ({match.group(0)!r})")
    assert not found, "\n".join(found)


def test_the_scan_finds_a_patch_release_a_port_and_a_path() -> None:
    patterns = _varying_patterns()
    moto = metadata.version("moto")
    for text in [
        f"started by this notebook: moto {moto}, in-memory",
        "local (managed moto server at http://127.0.0.1:41475)",
        f"wrote {ROOT}/build/x.html",
    ]:
        assert any(p.search(json.dumps(text)) for _, p in patterns), text


def test_cells_whose_output_varies_store_none() -> None:
    stored = []
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if "NBVAL_IGNORE_OUTPUT" in "".join(cell["source"]) and cell.get("outputs"):
                stored.append(f"{path.name} cell {cell.get('id')}")
    assert not stored, f"outputs stored for cells nbval ignores: {stored}"


# --- browser tests wait for the thing, not Playwright's 5 s default ----------------------------


def _expect_calls_without_timeout(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name)
            and node.func.value.func.id == "expect"
            and not any(k.arg == "timeout" for k in node.keywords)
        ):
            lines.append(node.lineno)
    return lines


def test_every_browser_expect_names_its_timeout() -> None:
    missing = _expect_calls_without_timeout((ROOT / "tests" / "test_browser.py").read_text())
    assert not missing, f"expect(...) without timeout= on lines {missing} of test_browser.py"


@pytest.mark.parametrize(
    ("source", "count"),
    [("expect(page).to_be_visible()", 1), ("expect(page).to_be_visible(timeout=5)", 0)],
)
def test_the_timeout_check_can_fail(source: str, count: int) -> None:
    assert len(_expect_calls_without_timeout(source)) == count
