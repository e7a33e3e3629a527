"""Writing items into a table that already holds some: refuse, merge or replace, counted first.

``ddb import`` and ``model load`` (and their functions,
:func:`~workbench.engine.transfer.import_table` and
:func:`~workbench.design.sampledata.load`) take ``mode``:

- ``"refuse"`` (the default): if the table holds any item at all, nothing is written and
  :class:`OverwriteRefused` says how many of them the new items would overwrite.
- ``"merge"``: write every new item; an item with the same key is overwritten, the others
  are kept.
- ``"replace"``: the table ends up holding exactly the new items: they are written first
  (overwriting the same keys), then every other item is deleted, so a failed write deletes
  nothing.

On AWS, a table that holds items is only written to when ``confirm`` is the table name,
as :func:`~workbench.engine.tables.drop_table` asks.

What the table holds is read with a consistent, key-only Scan (every page): it costs the
table's size in 4 KB units, where BatchGetItem of the new keys would cost a unit per key, and
``replace`` needs every key of the table anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import constants as C
from ..errors import ConfirmationRequired, WorkbenchError
from ..model.requests import Request
from .dynamo import send

MODES = ("refuse", "merge", "replace")

Key = tuple[tuple[str, Any], ...]


class OverwriteRefused(ConfirmationRequired):
    """The table holds items and the caller did not say what to do with them (or, on AWS,
    did not confirm with the table name); :attr:`survey` says what is there."""

    def __init__(self, msg: str, survey: Survey) -> None:
        super().__init__(msg)
        self.survey = survey


@dataclass(frozen=True)
class Survey:
    """What writing ``incoming`` keys into a table would do to the items it holds."""

    table_name: str
    incoming: int  # distinct keys about to be written
    existing: int  # items the table holds
    overwritten: int  # of those, items whose key is among the incoming ones
    others: list[dict[str, Any]] = field(default_factory=list, repr=False)  # the rest's keys

    @property
    def kept(self) -> int:
        """Items ``merge`` keeps and ``replace`` deletes."""
        return self.existing - self.overwritten

    def describe(self) -> str:
        """e.g. ``'t' holds 133 items: 116 have a key among the 116 new items ...``."""
        plural = "" if self.existing == 1 else "s"
        return (
            f"table {self.table_name!r} already holds {self.existing} item{plural}: "
            f"{self.overwritten} would be overwritten by the {self.incoming} new items "
            f"(same key), {self.kept} have other keys"
        )


def effect(mode: str, overwritten: int, kept: int, deleted: int) -> str:
    """What a write did to the items the table held, for a summary line ('' if it held none).

    e.g. ``116 overwritten, 17 kept (merge)`` or ``116 overwritten, 17 deleted (replace)``.
    """
    if not (overwritten or kept or deleted):
        return ""
    rest = f"{deleted} deleted" if mode == "replace" else f"{kept} kept"
    return f"{overwritten} overwritten, {rest} ({mode})"


def check_mode(mode: str) -> str:
    """``mode`` itself, if it is one of :data:`MODES`.

    :raises WorkbenchError: naming the value and the modes.
    """
    if mode not in MODES:
        raise WorkbenchError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    return mode


def _canonical(value: Mapping[str, Any]) -> tuple[str, Any]:
    ((kind, body),) = value.items()
    if kind == "N":
        return kind, Decimal(body)  # 42 and 42.0 are one key to DynamoDB
    return kind, bytes(body) if isinstance(body, bytearray | memoryview) else body


def key_of(item: Mapping[str, Any], key_names: Iterable[str]) -> Key:
    """A hashable form of a typed item's key (numbers compared by value)."""
    return tuple((name, _canonical(item[name])) for name in key_names)


def survey(
    engine: Any, table_name: str, keys: Iterable[Mapping[str, Any]], key_names: Iterable[str]
) -> Survey:
    """Count what the table holds and which of it the typed ``keys`` would overwrite.

    :param keys: the typed keys (or whole typed items) about to be written.
    :param key_names: the table's key attributes, partition key first.
    """
    names = tuple(key_names)
    incoming = {key_of(k, names) for k in keys}
    aliases = {f"#k{at}": name for at, name in enumerate(names)}
    params: dict[str, Any] = {
        C.TABLE_NAME: table_name,
        "ProjectionExpression": ", ".join(aliases),
        "ExpressionAttributeNames": aliases,
        "ConsistentRead": True,
    }
    existing = overwritten = 0
    others: list[dict[str, Any]] = []
    while True:
        response = send(engine, Request("Scan", dict(params)))
        for item in response.get(C.ITEMS, []):
            existing += 1
            if key_of(item, names) in incoming:
                overwritten += 1
            else:
                others.append({name: item[name] for name in names})
        start = response.get(C.LAST_EVALUATED_KEY)
        if not start:
            return Survey(table_name, len(incoming), existing, overwritten, others)
        params["ExclusiveStartKey"] = start


def guard(
    engine: Any,
    table_name: str,
    keys: Iterable[Mapping[str, Any]],
    key_names: Iterable[str],
    *,
    mode: str,
    confirm: str | None,
) -> Survey:
    """:func:`survey`, then refuse unless ``mode`` says what to do with the items held.

    :raises OverwriteRefused: if the table holds items and ``mode`` is ``"refuse"``, or on
        AWS without ``confirm == table_name``; nothing has been written.
    """
    check_mode(mode)
    found = survey(engine, table_name, keys, key_names)
    if not found.existing:
        return found
    if mode == "refuse":
        raise OverwriteRefused(
            f"{found.describe()}; nothing was written. Say how: merge (--merge: overwrite "
            "those with the same key, keep the rest) or replace (--replace: the table ends "
            "up holding only the new items)",
            found,
        )
    if engine.is_aws and confirm != table_name:
        raise OverwriteRefused(
            f"{found.describe()}, in the AWS account ({engine.describe()}); nothing was "
            f"written: {mode} needs confirmation: pass confirm={table_name!r} (the CLI asks "
            "you to type the table name)",
            found,
        )
    return found


def delete_others(engine: Any, found: Survey, *, progress: bool = False) -> int:
    """``replace``'s second step: delete the held items whose key was not written.

    :returns: how many were deleted.
    """
    from .batch import write_batches

    if not found.others:
        return 0
    return write_batches(
        engine,
        found.table_name,
        found.others,
        delete=True,
        typed=True,
        total=len(found.others),
        progress=progress,
        description=f"deleting from {found.table_name}",
    )
