"""Project hygiene: environment.yml agrees with pyproject.toml; every CLI command has help."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {r for r in pip_section if not r.startswith("-e")}
    assert listed == wanted, (
        f"only in pyproject: {sorted(wanted - listed)}; only in environment.yml: "
        f"{sorted(listed - wanted)}"
    )
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("python>=3.11") for d in conda)
    # The local engine is moto's server: Java and Node.js are not needed (issue 9).
    assert not [d for d in conda if d.startswith(("openjdk", "nodejs"))]


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path + " "))
    return found


def test_every_cli_command_has_help_and_is_in_the_readme() -> None:
    from workbench.cli import cli

    readme = (ROOT / "README.md").read_text()
    missing_help = []
    undocumented = []
    for path, command in _commands(cli):
        if not (command.help or "").strip():
            missing_help.append(path)
        if not isinstance(command, click.Group) and f"workbench {path}" not in readme:
            undocumented.append(path)
    assert not missing_help, f"commands without help: {missing_help}"
    assert not undocumented, f"commands not shown in README.md: {undocumented}"
