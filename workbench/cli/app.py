"""``workbench app serve``: the Cruddur messages app (API, sign-in and page) on the local server."""

from __future__ import annotations

import click

from .common import CONTEXT_SETTINGS, WorkbenchGroup, table_option


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def app() -> None:
    """The Cruddur messages app a learner can click through (patterns A-D, signed in)."""


@app.command()
@table_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=4567,
    show_default=True,
    help="The port to serve on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The interface to listen on; keep loopback unless you mean to share it.",
)
def serve(table_name: str, port: int, host: str) -> None:
    """Serve the messages app until Ctrl-C.

    Starts what it needs: the background local server if none runs, the table, the users,
    the seed (when the table is new or empty), the local user pool with one password, and
    the stream runner. Prints the URL and how to sign in.

    \b
    Example:
      workbench app serve --port 4567
    """
    from ..cruddur.web import serve as serve_app

    serve_app(host=host, port=port, table_name=table_name, echo=click.echo)
