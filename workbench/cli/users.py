"""``workbench db ...`` (the users directory) and ``workbench cognito ...`` (the user pool)."""

from __future__ import annotations

from typing import Any

import click

from .common import CONTEXT_SETTINGS, WorkbenchGroup, echo_json, engine_options


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def db() -> None:
    """The users directory (SQLite by default; PostgreSQL when DATABASE_URL is set)."""


def _print_users(users: list[Any]) -> None:
    for user in users:
        click.echo(
            f"{user.handle:<14}{user.display_name:<18}{user.uuid}  cognito={user.cognito_user_id}"
        )


@db.command()
@click.option("--reset", is_flag=True, help="Drop the users table first (loses every user).")
@click.option("--yes", is_flag=True, help="Do not ask before --reset.")
def setup(reset: bool, yes: bool) -> None:
    """Create the users schema and add the seed users (andrewbrown, bayko, londo)."""
    from ..cruddur.users import open_directory

    directory = open_directory()
    with directory:
        if reset:
            if not yes:
                click.confirm(f"Drop every user in {directory.describe()}?", abort=True)
            directory.reset()
        directory.ensure_seed_users()
        click.echo(f"users directory: {directory.describe()}")
        _print_users(directory.list_users())


@db.command("list-users")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
def list_users(as_json: bool) -> None:
    """List the users in the directory."""
    from ..cruddur.users import open_directory

    with open_directory() as directory:
        users = directory.list_users()
    if as_json:
        echo_json([u.to_dict() for u in users])
    else:
        _print_users(users)


@db.command("update-cognito-user-ids")
@engine_options
def update_cognito_user_ids(engine: Any) -> None:
    """Set users.cognito_user_id by handle from the user pool."""
    from ..cruddur import cognito as cognito_lib
    from ..cruddur.users import open_directory

    click.echo("== db-update-cognito-user-ids")
    with open_directory() as directory:
        for handle, sub in cognito_lib.update_cognito_user_ids(engine, directory):
            click.echo(f"---- {handle} {sub}")


@click.group(cls=WorkbenchGroup, context_settings=CONTEXT_SETTINGS)
def cognito() -> None:
    """The Cognito user pool (a local moto pool, or yours with --engine aws)."""


@cognito.command("list-users")
@engine_options
@click.option("--json", "as_json", is_flag=True, help="Print {preferred_username: sub} as JSON.")
def cognito_list_users(engine: Any, as_json: bool) -> None:
    """Print {preferred_username: sub} for every user of the pool (all pages)."""
    from ..cruddur import cognito as cognito_lib

    users = cognito_lib.list_cognito_users(engine)
    if as_json:
        echo_json(users)
    else:
        for handle, sub in sorted(users.items()):
            click.echo(f"{handle:<14}{sub}")


@cognito.command("setup-local")
@engine_options
def setup_local(engine: Any) -> None:
    """Create the local user pool, its app client and the users' local password (never AWS)."""
    from ..cruddur import cognito as cognito_lib
    from ..cruddur.users import open_directory
    from ..cruddur.web.signin import setup_local_sign_in

    with open_directory() as directory:
        directory.ensure_seed_users()
        local = setup_local_sign_in(engine, directory)
    endpoint = cognito_lib.cognito_client(engine).meta.endpoint_url
    click.echo(f"local user pool {local.pool_id} on {endpoint}")
    click.echo(f"app client {local.client_id} (USER_PASSWORD_AUTH)")
    click.echo(f"password of {', '.join(local.handles)}: {local.password}")


@cognito.command("token")
@engine_options
@click.option(
    "--as",
    "handle",
    required=True,
    metavar="HANDLE",
    help="Sign in as this user (with the local password).",
)
def token(engine: Any, handle: str) -> None:
    """Print an access token for HANDLE from the local user pool (for scripts and curl).

    \b
    Example:
      curl -H "Authorization: Bearer $(workbench cognito token --as bayko)" \\
        http://127.0.0.1:4567/api/message_groups
    """
    from ..cruddur.web.signin import access_token

    click.echo(access_token(engine, handle))
