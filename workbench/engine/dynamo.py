"""Send :class:`~workbench.model.requests.Request` objects, turning botocore errors into ours.

The limits, capacity and model modules are imported by the first request that needs them,
not before: ``workbench ddb list-tables`` needs none of them (issue 16).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from .. import constants as C
from ..errors import DynamoError, TableNotFound, WorkbenchError
from ..model.requests import Request

if TYPE_CHECKING:  # pragma: no cover
    from ..model.capacity import Capacity
    from ..model.limits import TokenBook

# Operations whose every parameter is optional and whose checks read only those: sent with
# none (as `ddb list-tables` asks its first page), limits.check_request has nothing to check
# (tests/test_limits.py holds it to that), so they are sent without importing it. Any other
# request is checked: a table name, a ListTables Limit, an item.
NOTHING_TO_CHECK = frozenset({"ListTables"})


def send(engine: Any, request: Request) -> dict[str, Any]:
    """Send ``request`` on ``engine``'s DynamoDB client and return the response.

    DynamoDB's limits are checked first, on every engine (:mod:`workbench.model.limits`).

    :raises RequestRejected: if DynamoDB would refuse the request (nothing is sent).
    :raises TableNotFound: if the table does not exist (naming it and the engine).
    :raises DynamoError: for any other failure, with the ``ClientError`` as its cause; an
        engine's internal failure (HTTP 500, a crash of in-process moto, an answer botocore
        cannot parse) is one line naming the engine and the operation.
    """
    state = _state(engine)
    if request.operation in _SCHEMA_CHANGES:
        state.tables.pop(request.params.get(C.TABLE_NAME), None)
    checked = request.operation not in NOTHING_TO_CHECK or bool(request.params)
    if checked:
        from ..model import limits

        limits.check_request(request, _key_schemas(engine, request), state.tokens)
    client = engine.client("dynamodb")
    try:
        response = getattr(client, request.method)(**request.params)
    except ClientError as exc:
        raise wrap(exc, request, engine) from exc
    except ParamValidationError as exc:
        raise DynamoError(
            f"{request.operation} on {table_of(request)!r} refused by botocore before sending: "
            f"{_one_line(str(exc))}",
            exc,
        ) from exc
    except BotoCoreError as exc:
        raise DynamoError(
            f"{request.operation} could not reach DynamoDB at {engine.describe()}: {exc}", exc
        ) from exc
    except WorkbenchError:
        raise
    except Exception as exc:
        # In-process moto raises its own bugs (a ValueError for size() over an item lacking
        # the attribute) and botocore raises on an answer it cannot parse: neither is the
        # user's to read as a traceback (issue 9, item 5).
        raise DynamoError(
            f"{request.operation} on {table_of(request)!r} failed on {engine.describe()}: the "
            f"engine failed ({type(exc).__name__}: {_one_line(str(exc))})",
            exc,
        ) from exc
    if request.operation in _SCHEMA_CHANGES:
        state.tables.pop(request.params.get(C.TABLE_NAME), None)
    if checked:
        state.tokens.remember(request)
    return response


# -- per-engine state: client tokens, and each table's description, fetched once --------

_SCHEMA_CHANGES = ("CreateTable", "DeleteTable", "UpdateTable")
_STATE_LOCK = threading.Lock()


@dataclass
class _EngineState:
    """What one engine's requests share: the limits' client tokens, and DescribeTable's
    ``Table`` per table name (None when it could not be described), dropped whenever the
    workbench creates, deletes or updates that table."""

    tables: dict[str, Any] = field(default_factory=dict)
    _tokens: TokenBook | None = None

    @property
    def tokens(self) -> TokenBook:
        if self._tokens is None:
            from ..model.limits import TokenBook

            with _STATE_LOCK:
                if self._tokens is None:
                    self._tokens = TokenBook()
        return self._tokens


def _state(engine: Any) -> _EngineState:
    with _STATE_LOCK:
        state = getattr(engine, "_workbench_state", None)
        if state is None:
            state = _EngineState()
            try:
                engine._workbench_state = state
            except AttributeError:  # an engine that takes no attributes: nothing is kept
                pass
        return state


def described(engine: Any, table_name: str) -> Any:
    """DescribeTable's ``Table`` for ``table_name``, asked once per engine (None if the table
    cannot be described: missing, or no permission; the engine reports that itself)."""
    tables = _state(engine).tables
    if table_name not in tables:
        try:
            table = engine.client("dynamodb").describe_table(TableName=table_name)["Table"]
        except (ClientError, BotoCoreError, KeyError):
            return None  # not cached: the table may be created next
        tables[table_name] = table
    return tables[table_name]


def _key_schemas(engine: Any, request: Request) -> dict[str, Any]:
    """The key schemas of the tables ``request`` writes or filters: the model's own table
    from the model, any other from its description."""
    from ..model import CRUDDUR, limits

    found: dict[str, limits.KeySchema] = {}
    for name in limits.tables_needing_keys(request):
        if name == CRUDDUR.table.name:
            found[name] = limits.KeySchema.from_spec(CRUDDUR.table)
        elif (table := described(engine, name)) is not None:
            found[name] = limits.KeySchema.from_description(table)
    return found


def _one_line(text: str) -> str:
    """``text`` as one short line: an HTML error page becomes its title."""
    title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


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
    from ..model import CRUDDUR

    code = exc.response.get("Error", {}).get("Code", "")
    message = exc.response.get("Error", {}).get("Message", "")
    table = table_of(request)
    if code == C.RESOURCE_NOT_FOUND:
        if not table or table == CRUDDUR.table.name:
            hint = "create it with `workbench ddb schema-load`"
        else:
            hint = (
                f"create it with `workbench model load MODEL_FILE` (a model file's table) or "
                f"`workbench ddb schema-load --table {table}` (Cruddur's design)"
            )
        return TableNotFound(f"table {table!r} does not exist on {engine.describe()}: {hint}", exc)
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    if status >= 500 or code in ("InternalFailure", "InternalServerError"):
        return DynamoError(
            f"{request.operation} on {table!r} failed on {engine.describe()}: the engine answered "
            f"HTTP {status or '?'} ({code or 'no error code'}: {_one_line(message)}), a failure "
            "of the engine itself, not a refusal of the request",
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


# Engines whose ConsumedCapacity is a real figure; moto (in-process or the managed server of
# engine `local`) answers a constant 1.0, so only the computed figure means anything there.
REPORTING_ENGINES = ("endpoint", "aws")


def consumed(
    engine: Any,
    request: Request,
    response: dict[str, Any],
    *,
    table: Any = None,
    old_items: Any = (),
) -> Capacity:
    """The capacity ``request`` consumed: computed by DynamoDB's rules, with the engine's own
    figure beside it where the engine reports a real one (``endpoint``, ``aws``).

    :param table: the table's definition (a ``TableSpec`` or DescribeTable's ``Table``); when
        None, writes and index reads describe the table once per engine to find its indexes.
    :param old_items: typed items as they were before a write, if the caller knows them.
    """
    from ..model.capacity import WRITES, compute

    # A write needs the indexes it may touch; an index read needs to know an LSI (strongly
    # consistent reads, fetches from the table) from a GSI.
    if table is None and (request.operation in WRITES or request.params.get(C.INDEX_NAME)):
        table = functools.partial(described, engine)
    capacity = compute(request, response, table, old_items)
    if (
        getattr(engine, "name", None) in REPORTING_ENGINES
        and response.get(C.CONSUMED_CAPACITY)
        and not answered_by_moto(response)
    ):
        capacity = capacity.with_reported(capacity_units(response))
    return capacity


def answered_by_moto(response: dict[str, Any]) -> bool:
    """True if a moto server answered (its figure is a constant, not worth showing).

    moto's server runs on werkzeug and says so in its ``Server`` header; DynamoDB answers
    ``Server``, DynamoDB Local ``Jetty(...)``. An engine ``endpoint`` may be either.
    """
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return "werkzeug" in str(headers.get("server", "")).lower()
