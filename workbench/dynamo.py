"""Send :class:`~workbench.model.requests.Request` objects, turning botocore errors into ours."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from . import constants as C
from .errors import DynamoError, TableNotFound
from .model.requests import Request


def send(engine: Any, request: Request) -> dict[str, Any]:
    """Send ``request`` on ``engine``'s DynamoDB client and return the response.

    :raises TableNotFound: if the table does not exist (naming it and the engine).
    :raises DynamoError: for any other failure, with the ``ClientError`` as its cause.
    """
    client = engine.client("dynamodb")
    try:
        return getattr(client, request.method)(**request.params)
    except ClientError as exc:
        raise wrap(exc, request, engine) from exc
    except BotoCoreError as exc:
        raise DynamoError(
            f"{request.operation} could not reach DynamoDB at {engine.describe()}: {exc}", exc
        ) from exc


def table_of(request: Request) -> str | None:
    """The table a request is about (for error messages)."""
    if C.TABLE_NAME in request.params:
        return request.params[C.TABLE_NAME]
    for action in request.params.get(C.TRANSACT_ITEMS, []):
        for body in action.values():
            return body.get(C.TABLE_NAME)
    return None


def wrap(exc: ClientError, request: Request, engine: Any) -> DynamoError:
    """Our error for a ``ClientError`` from ``request``."""
    code = exc.response.get("Error", {}).get("Code", "")
    message = exc.response.get("Error", {}).get("Message", "")
    table = table_of(request)
    if code == C.RESOURCE_NOT_FOUND:
        return TableNotFound(
            f"table {table!r} does not exist on {engine.describe()}: "
            "create it with `workbench ddb schema-load`"
            + (f" --table {table}" if table and table != "cruddur-messages" else ""),
            exc,
        )
    return DynamoError(f"{request.operation} on {table!r} failed: {code}: {message}", exc)


def capacity_units(response: dict[str, Any]) -> float:
    """Total consumed capacity units in a response (0.0 if the engine reported none)."""
    consumed = response.get(C.CONSUMED_CAPACITY)
    if not consumed:
        return 0.0
    if isinstance(consumed, dict):
        consumed = [consumed]
    return float(sum(c.get(C.CAPACITY_UNITS, 0.0) for c in consumed))
