"""Project hygiene: every CLI command has help and is in the README (installs: test_lock.py)."""

from __future__ import annotations

from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent


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
