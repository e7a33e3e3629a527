"""Where moto computes a DynamoDB result wrongly, put right inside moto (issue 18).

Each fix replaces one small piece of moto's DynamoDB with what DynamoDB does; everything else
stays moto's own code. They are installed in the managed server and for in-process moto, so
every client and ``dynamo.send`` get the same answers. Guarded like
:mod:`workbench.engine.motoindex`, by the moto versions they were written for
(:data:`workbench.engine.motoindex.SUPPORTED`); outside them nothing is patched.

- ``size(path)`` of an attribute an item lacks, or of a type without a size (a number, a
  boolean), has no value, so a comparison with it matches nothing (on DynamoDB neither
  ``size(n) < :i`` nor ``size(n) >= :i`` holds for a number, as ScyllaDB's conformance tests
  record): moto raised, an HTTP 500 on Query and a wrong 400 on Scan. The size of a binary is
  its bytes, of a string its UTF-16 code units, of a set, list or map its length.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
- ``begins_with`` on binary values compares bytes (moto compared nothing but strings).
- A ProjectionExpression with list indexes (``#l[1]``, ``a[0], a[2]``) returns those elements:
  moto missed the ``#name`` in ``#l[1]`` and kept only the last of two paths into one list.
  TransactGetItems applies its ``Get``'s ProjectionExpression (moto returned the whole item).
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
- TransactGetItems takes up to 100 items, as TransactWriteItems does (moto stopped at 25).
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
- ``ReturnItemCollectionMetrics=SIZE`` on a table with a local secondary index answers
  ``ItemCollectionMetrics`` (the collection's partition key and its size range in GB); moto
  answered nothing. "If the table does not have any local secondary indexes, this information
  is not returned in the response."
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..model import projection
from . import motoitems
from .motopatch import MotoPatch, Patch, Wrapping

# DynamoDB's limit on TransactGetItems, as on TransactWriteItems.
TRANSACT_GET_MAX = 100
# Item collection sizes are estimated in whole gigabytes: [lower, upper].
_GB = 1024**3
_SIZED = ("S", "SS", "NS", "BS", "L", "M")
_WRITES = ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items")


def _patches() -> list[Patch]:
    from moto.dynamodb import comparisons, responses
    from moto.dynamodb.models.dynamo_type import Item

    handler = responses.DynamoHandler
    return [
        (comparisons.FuncSize, "expr", _size),
        (comparisons.FuncBeginsWith, "expr", _begins_with),
        (responses.ProjectionExpressionParser, "parse", _parse),
        (Item, "project", _project),
        (responses, "TRANSACTION_MAX_ITEMS", TRANSACT_GET_MAX),
        (handler, "transact_get_items", _transact_get_items),
        *[(handler, name, Wrapping(_with_metrics)) for name in _WRITES],
    ]


_patch = MotoPatch(
    _patches,
    after_install=motoitems.install,  # item sizes, number overflow, NULL false (after the metrics)
    before_uninstall=motoitems.uninstall,  # first: it wraps the handlers patched here
)
# The module's public functions: install() -> bool (False outside the supported moto
# versions), uninstall() (for tests) and installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


def _bytes(value: Any) -> bytes:
    """A binary value as moto holds it (base64 text off the wire, or bytes) as bytes."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return base64.b64decode(value)


# -- functions in conditions and filters -------------------------------------------------


def _size(self: Any, item: Any) -> int | None:
    kind = self.attr.get_type(item)
    if kind == "S":
        # A string's size is its length in UTF-16 code units, as DynamoDB (a JVM) counts it:
        # "é𝄞" is 3, not Python's 2 code points (dynamodb-conformance's capture).
        return len(self.attr.expr(item).encode("utf-16-le")) // 2
    if kind in _SIZED:
        return len(self.attr.expr(item))
    if kind == "B":
        return len(_bytes(self.attr.expr(item)))
    return None  # no size: every comparison with it is false, as with a missing attribute


def _begins_with(self: Any, item: Any) -> bool:
    kind, prefix = self.attr.get_type(item), self.substr.get_type(item)
    if kind == "B" and prefix == "B":
        return _bytes(self.attr.expr(item)).startswith(_bytes(self.substr.expr(item)))
    return bool(_patch.original("FuncBeginsWith.expr")(self, item))


# -- projections -------------------------------------------------------------------------


def _parse(self: Any) -> list[Any]:
    # moto's own parse first, for its own refusals (duplicates, reserved words).
    moto_paths = _patch.original("ProjectionExpressionParser.parse")(self)
    expression = self.projection_expression
    if not expression:
        return moto_paths
    paths, used = [], []
    try:
        for part in projection.split_paths(expression):
            path, names = projection.parse_path(part, self.expression_attribute_names)
            paths.append(list(path))
            used += names
    except projection.ProjectionSyntax:
        return moto_paths
    self.expr_attr_names_found = used
    return paths


def _typed(value: Any) -> Any:
    """A moto value (DynamoType, nested) as typed JSON holding moto's own leaf values."""
    if value.is_map():
        return {"M": {key: _typed(child) for key, child in value.value.items()}}
    if value.is_list():
        return {"L": [_typed(child) for child in value.value]}
    return {value.type: value.value}


def _project(self: Any, paths: Iterable[Iterable[str | int]]) -> Any:
    from moto.dynamodb.models.dynamo_type import Item

    typed = {name: _typed(value) for name, value in self.attrs.items()}
    return Item(
        hash_key=self.hash_key,
        range_key=self.range_key,
        attrs=projection.project(typed, [tuple(path) for path in paths]),
    )


def _transact_get_items(self: Any) -> Any:
    result = _patch.original("DynamoHandler.transact_get_items")(self)
    answers = result.result.get("Responses") or []
    for answer, action in zip(answers, self.body.get("TransactItems") or [], strict=False):
        get = action.get("Get") or {}
        expression = get.get("ProjectionExpression")
        if not expression or "Item" not in answer:
            continue
        try:
            paths = projection.parse(expression, get.get("ExpressionAttributeNames"))
        except projection.ProjectionSyntax:
            continue  # refused by the checks before it gets here
        answer["Item"] = projection.project(answer["Item"], paths)
    return result


# -- item collection metrics -------------------------------------------------------------


def _with_metrics(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def handler(self: Any) -> Any:
        result = original(self)
        if self.body.get("ReturnItemCollectionMetrics") == "SIZE":
            _add_metrics(self, result.result)
        return result

    handler.__name__ = original.__name__
    return handler


def _add_metrics(handler: Any, answer: dict[str, Any]) -> None:
    body = handler.body
    backend = handler.dynamodb_backend
    if "TableName" in body:  # PutItem, UpdateItem, DeleteItem
        found = _collections(backend, body["TableName"], [body.get("Item") or body.get("Key")])
        if found:
            answer["ItemCollectionMetrics"] = found[0]
        return
    written: dict[str, list[Any]] = {}
    for table, writes in (body.get("RequestItems") or {}).items():
        for write in writes:
            request = write.get("PutRequest") or write.get("DeleteRequest") or {}
            written.setdefault(table, []).append(request.get("Item") or request.get("Key"))
    for action in body.get("TransactItems") or []:
        for kind, op in action.items():
            if kind != "ConditionCheck":  # a check changes no item collection
                written.setdefault(op.get("TableName"), []).append(op.get("Item") or op.get("Key"))
    metrics = {
        table: found
        for table, keys in written.items()
        if (found := _collections(backend, table, keys))
    }
    if metrics:
        answer["ItemCollectionMetrics"] = metrics


def _collections(backend: Any, table_name: str, keys: Iterable[Any]) -> list[dict[str, Any]]:
    """ItemCollectionMetrics for each item collection ``keys`` fall in, on a table with a
    local secondary index (none on a table without one)."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.utilities import dynamo_to_dict

    table = backend.tables.get(table_name)
    if table is None or not table.indexes:
        return []
    out: dict[Any, dict[str, Any]] = {}
    for key in keys:
        raw = key.get(table.hash_key_attr) if isinstance(key, Mapping) else None
        if raw is None:
            continue
        hash_value = DynamoType(raw)
        if hash_value in out:
            continue
        stored = table.items.get(hash_value)
        items = stored.values() if isinstance(stored, dict) else [stored] if stored else []
        size = sum(item.size() for item in items)
        lower = float(size // _GB)
        out[hash_value] = {
            "ItemCollectionKey": dynamo_to_dict({table.hash_key_attr: hash_value}),
            "SizeEstimateRangeGB": [lower, lower + 1.0],
        }
    return list(out.values())
