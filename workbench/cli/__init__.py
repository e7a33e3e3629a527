"""The ``workbench`` command: a thin layer over the library, mirroring the bootcamp's bin/ scripts.

Every command calls a public function with the same argument names and does no logic of its
own; :class:`~workbench.errors.WorkbenchError` becomes one clear line on stderr and exit 1.
"""

from __future__ import annotations

import click

from .common import CONTEXT_SETTINGS, WorkbenchGroup


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="cruddur-workbench")
def cli() -> None:
    """The Cruddur DynamoDB workbench: the local server, the messages table, patterns A-E."""


def _register() -> None:
    from . import app, ddb, local, messages, stream, users
    from .model import model

    cli.add_command(local.local)
    cli.add_command(ddb.ddb)
    cli.add_command(messages.messages)
    cli.add_command(stream.stream)
    cli.add_command(stream.lambda_)
    cli.add_command(users.db)
    cli.add_command(users.cognito)
    cli.add_command(app.app)
    cli.add_command(model)


_register()


def main() -> None:
    """Entry point for the ``workbench`` console script."""
    cli()
