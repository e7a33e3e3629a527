"""PartiQL on moto as DynamoDB runs it: ``ExecuteStatement``, ``BatchExecuteStatement`` and
``ExecuteTransaction`` answered by :mod:`workbench.model.partiql` over moto's own tables.

moto reads statements with the ``py-partiql-parser`` package, which crashes (HTTP 500) on a
comparison with a parameter, an INSERT with parameters or a malformed statement, inserts over
an existing item, answers ``begins_with`` and nested paths wrongly, and finds no table in a
batch that quotes its name. :func:`install` replaces moto's three request handlers; the items
are still moto's (read with ``Table.get_item`` / ``all_items``, written with
``Table.put_item`` / ``delete_item``, so streams and :mod:`.motoindex` see every write).
moto also ignores ``ExecuteTransaction``'s ``ClientRequestToken``: each moto backend keeps the
tokens of the transactions it made (:class:`workbench.model.partiql.tokens.Replays`).

Guarded like :mod:`.motoindex`, by the moto versions it was written for
(:data:`workbench.engine.motoindex.SUPPORTED`); outside them nothing is patched.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..model.partiql import StatementRefused
from ..model.partiql.batches import batch, transaction
from ..model.partiql.run import execute
from ..model.partiql.tokens import Replays
from .motopatch import MotoPatch, Patch
from .mototables import key_schema

_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"


def _patches() -> list[Patch]:
    from moto.dynamodb.responses import DynamoHandler

    return [
        (DynamoHandler, "execute_statement", _execute_statement),
        (DynamoHandler, "batch_execute_statement", _batch_execute_statement),
        (DynamoHandler, "execute_transaction", _execute_transaction),
    ]


_patch = MotoPatch(_patches)
# The module's public functions: install() -> bool (answer moto's PartiQL requests with
# workbench.model.partiql; False outside the supported moto versions), uninstall() (put moto's
# own handlers back, for tests) and installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


# -- the handlers --------------------------------------------------------------------------


def _execute_statement(self: Any) -> Any:
    body = self.body
    store = _Store(self.dynamodb_backend)
    try:
        answer = execute(
            store,
            body.get("Statement", ""),
            body.get("Parameters"),
            limit=body.get("Limit"),
            next_token=body.get("NextToken"),
            consistent=bool(body.get("ConsistentRead")),
        )
    except StatementRefused as exc:
        raise _moto_error(exc) from exc
    return _result(answer)


def _batch_execute_statement(self: Any) -> Any:
    store = _Store(self.dynamodb_backend)
    return _result({"Responses": batch(store, self.body.get("Statements") or [])})


def _execute_transaction(self: Any) -> Any:
    backend = self.dynamodb_backend
    store = _Store(backend)
    statements = self.body.get("TransactStatements") or []
    replays = backend.__dict__.setdefault("_workbench_partiql_replays", Replays())
    try:
        responses, _replayed = replays.run(
            self.body.get("ClientRequestToken"),
            statements,
            lambda: transaction(store, statements),
        )
    except StatementRefused as exc:
        raise _moto_error(exc) from exc
    return _result({"Responses": responses})


def _result(answer: dict[str, Any]) -> Any:
    from moto.dynamodb.responses import DynamoResult

    return DynamoResult(answer)


def _moto_error(exc: StatementRefused) -> Exception:
    """moto's exception for a refusal, so moto answers it as DynamoDB's JSON error."""
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        DynamodbException,
        TransactionCanceledException,
    )

    if exc.error_code == "TransactionCanceledException":
        return TransactionCanceledException([(c, m, None) for c, m in exc.reasons or []])
    if exc.error_code == "ConditionalCheckFailedException":
        return ConditionalCheckFailed(exc.error_message)
    return DynamodbException(_ERROR_PREFIX + exc.error_code, exc.error_message)


# -- moto's tables, as the statements read and write them ---------------------------------


class _Store:
    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def table(self, name: str) -> _Table | None:
        table = self.backend.tables.get(name)
        return _Table(table) if table is not None else None


class _Table:
    """One moto table as a :class:`workbench.model.partiql.run.TableView`."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.schema = key_schema(table)

    def _key(self, key: Mapping[str, Any]) -> tuple[Any, Any]:
        from moto.dynamodb.models.dynamo_type import DynamoType

        hash_value = DynamoType(key[self.schema.hash_key])
        range_name = self.schema.range_key
        return hash_value, DynamoType(key[range_name]) if range_name else None

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self.table.get_item(*self._key(key))
        return copy.deepcopy(item.to_json()["Attributes"]) if item is not None else None

    def scan(self, index: str | None) -> list[dict[str, Any]]:
        items = self.table.all_items()
        if index is None:
            return [item.to_json()["Attributes"] for item in items]
        found = next(i for i in self.table.all_indexes() if i.name == index)
        names = [k["AttributeName"] for k in found.schema]
        return [
            found.project(item).to_json()["Attributes"]
            for item in items
            if all(name in item.attrs for name in names)
        ]

    def projection(self, index: str) -> frozenset[str] | None:
        found = next(i for i in self.table.all_indexes() if i.name == index)
        projection = found.projection or {}
        if projection.get("ProjectionType", "ALL") == "ALL":
            return None
        held = {*found.table_key_attrs, *found.schema_key_attrs}
        if projection.get("ProjectionType") == "INCLUDE":
            held.update(projection.get("NonKeyAttributes") or [])
        return frozenset(held)

    def put(self, item: dict[str, Any]) -> None:
        from moto.core.exceptions import JsonRESTError

        try:
            self.table.put_item(item, overwrite=True)
        except JsonRESTError as exc:  # a type or size moto refuses: the statement's error
            code = (exc.error_type or "").split("#")[-1] or "ValidationException"
            raise StatementRefused(code, exc.message, self.table.name) from exc

    def delete(self, key: Mapping[str, Any]) -> None:
        self.table.delete_item(*self._key(key))
