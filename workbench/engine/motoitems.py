"""Items on moto sized, checked and stored as DynamoDB does (issue 18).

- The 400 KB item limit is DynamoDB's, 409,600 bytes by its own size rules
  (:func:`workbench.model.capacity.item_size`: a number by its base-100 digit pairs, a list or
  map with its overhead, a binary by its bytes): moto refused above 405,000 bytes by rules of
  its own, so items DynamoDB stores were refused.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
- ``UpdateItem`` is refused when its finished item is over the limit (moto missed a SET
  through a nested path) or when what it writes plus its action cost is
  (:mod:`workbench.model.limits.sizes`); a refused update leaves the item as it was.
  In ``TransactWriteItems`` an Update over the limit cancels the transaction with a
  ``ValidationError`` reason, as DynamoDB does, instead of refusing the whole request.
- Arithmetic in an update expression whose result is out of DynamoDB's number range is
  refused ("Number overflow"), not stored.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
- ``{"NULL": false}`` is stored as ``{"NULL": true}``, as DynamoDB now does (dynamodb-
  conformance's capture, 2026); moto refused it.

Installed by :func:`workbench.engine.motofixes.install`, guarded like it by the moto versions
it was written for (:data:`workbench.engine.motoindex.SUPPORTED`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

from ..errors import ValidationError as WorkbenchValidationError
from ..errors import WorkbenchError
from ..model.capacity import item_size
from ..model.items import number_text
from ..model.limits.messages import MAX_ITEM_BYTES
from ..model.limits.sizes import action_cost, written_attributes
from . import motoindex
from .motopatch import MotoPatch, Patch, Wrapping

_local = threading.local()
# The handlers whose requests may carry {"NULL": false}; UpdateItem and TransactWriteItems
# also say which surface a backend update comes from.
_HANDLERS = ("put_item", "update_item", "batch_write_item", "transact_write_items")


class ValidationError(WorkbenchError):
    """An action of a transaction DynamoDB refuses: moto reports an exception it does not
    know as a cancellation reason coded with the exception's class name (DynamoDB's code,
    ``ValidationError``) and its message."""


def _patches() -> list[Patch]:
    from moto.dynamodb import responses
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    handler = responses.DynamoHandler
    return [
        (LimitedSizeDict, "__setitem__", _setitem),
        (Item, "__init__", _item_init),
        (DynamoType, "__add__", Wrapping(_checked)),
        (DynamoType, "__sub__", Wrapping(_checked)),
        (DynamoDBBackend, "update_item", _update_item),
        *[(handler, name, Wrapping(functools.partial(_handler, name))) for name in _HANDLERS],
    ]


_patch = MotoPatch(_patches)
# The module's public functions: install() -> bool (False outside the supported moto
# versions), uninstall() (for tests) and installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


# -- sizes -----------------------------------------------------------------------------------


def _bytes(value: Any) -> bytes:
    """A binary value as moto holds it (base64 text off the wire, or bytes) as bytes."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError, TypeError):
        return str(value).encode()


def _typed(value: Any) -> Any:
    """A moto value (DynamoType, nested) as typed JSON, binaries as bytes, for item_size."""
    kind, inner = value.type, value.value
    if kind == "M":
        return {"M": {key: _typed(child) for key, child in inner.items()}}
    if kind == "L":
        return {"L": [_typed(child) for child in inner]}
    if kind == "B":
        return {"B": _bytes(inner)}
    if kind == "BS":
        return {"BS": [_bytes(member) for member in inner]}
    return {kind: inner}


def _size(attrs: Any) -> int:
    """DynamoDB's size of moto's attributes (name to DynamoType)."""
    try:
        return item_size({name: _typed(value) for name, value in attrs.items()})
    except (WorkbenchError, AttributeError, TypeError, ValueError):
        return 0  # not a value DynamoDB can size: moto reports what is wrong with it


def _setitem(self: Any, key: str, value: Any) -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge

    if _size({**self, key: value}) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge
    dict.__setitem__(self, key, value)


def _item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """moto's ``Item.__init__``, measuring the item once rather than once per attribute."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict

    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    for key, value in attrs.items():
        dict.__setitem__(self.attrs, key, DynamoType(value))
    if _size(self.attrs) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge


# -- UpdateItem ------------------------------------------------------------------------------


def _update_item(
    self: Any,
    table_name: str,
    key: dict[str, Any],
    update_expression: str,
    expression_attribute_names: dict[str, Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    from moto.dynamodb.exceptions import ItemSizeTooLarge, ItemSizeToUpdateTooLarge

    original = _patch.original("DynamoDBBackend.update_item")
    call = (self, table_name, key, update_expression, expression_attribute_names, *args)
    table, where = _locate(self, table_name, key)
    if where is None:
        return original(*call, **kwargs)  # moto reports what is wrong with the key
    before = copy.deepcopy(table.get_item(*where))
    records = len(table.stream_shard.items) if table.stream_shard is not None else 0
    try:
        item = original(*call, **kwargs)
        too_big = _size(item.attrs) > MAX_ITEM_BYTES or (
            getattr(_local, "surface", None) == "update_item"
            and _charged(item.attrs, update_expression, expression_attribute_names) > MAX_ITEM_BYTES
        )
    except (ItemSizeTooLarge, ItemSizeToUpdateTooLarge):
        too_big = True
    if not too_big:
        return item
    _put_back(table, where, before, records)
    if getattr(_local, "surface", None) == "transact_write_items":
        raise ValidationError(ItemSizeToUpdateTooLarge().message)
    raise ItemSizeToUpdateTooLarge


def _charged(attrs: Any, expression: str | None, names: dict[str, str] | None) -> int:
    """What UpdateItem is measured at: the attributes it writes plus its action cost."""
    if not expression:
        return 0  # AttributeUpdates: the finished item alone
    written = written_attributes(expression, names)
    return _size({n: v for n, v in attrs.items() if n in written}) + action_cost(expression)


def _locate(backend: Any, table_name: str, key: Any) -> tuple[Any, tuple[Any, Any] | None]:
    """The table and ``(hash, range)`` DynamoType key of the item an update names."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    table = backend.tables.get(table_name)
    if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
        return table, None
    try:
        hash_value = DynamoType(key[table.hash_key_attr])
        if table.range_key_attr is None:
            return table, (hash_value, None)
        if table.range_key_attr not in key:
            return table, None
        return table, (hash_value, DynamoType(key[table.range_key_attr]))
    except (TypeError, IndexError, AttributeError):
        return table, None


def _put_back(table: Any, where: tuple[Any, Any], before: Any, records: int) -> None:
    """Store ``before`` (None: no item) under ``where`` again, and drop the stream records
    written since, as if the refused update had not run."""
    hash_value, range_value = where
    if table.range_key_attr is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
    else:
        partition = table.items.setdefault(hash_value, {})
        if before is None:
            partition.pop(range_value, None)
            if not partition:
                table.items.pop(hash_value, None)
        else:
            partition[range_value] = before
    if table.stream_shard is not None:
        del table.stream_shard.items[records:]
    motoindex.invalidate(table)  # its attribute maps saw the refused update


# -- numbers ---------------------------------------------------------------------------------


def _checked(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``+`` or ``-`` of two moto numbers, refused when the result is out of DynamoDB's range."""

    def arithmetic(self: Any, other: Any) -> Any:
        from moto.dynamodb.exceptions import MockValidationException

        result = operation(self, other)
        if result.type == "N":
            try:
                number_text(str(result.value))
            except WorkbenchValidationError as exc:
                _, code, detail = exc.problems[0]
                if code in ("number_overflow", "number_underflow"):
                    # DynamoDB's message, without the value items.py names after it.
                    raise MockValidationException(detail.split(" (", 1)[0]) from exc
        return result

    arithmetic.__name__ = operation.__name__
    return arithmetic


# -- requests --------------------------------------------------------------------------------


def _null_true(value: Any) -> Any:
    """``value`` with every ``{"NULL": false}`` in it made ``{"NULL": true}``, in place."""
    if isinstance(value, dict):
        if len(value) == 1 and value.get("NULL") is False:
            value["NULL"] = True
        for child in value.values():
            _null_true(child)
    elif isinstance(value, list):
        for child in value:
            _null_true(child)
    return value


def _handler(name: str, original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def handler(self: Any) -> Any:
        _null_true(self.body)
        previous = getattr(_local, "surface", None)
        _local.surface = name
        try:
            return original(self)
        finally:
            _local.surface = previous

    handler.__name__ = name
    return handler
