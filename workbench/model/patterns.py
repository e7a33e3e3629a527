"""Access patterns: named, documented, and able to show the exact request they send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from .requests import Request

OPERATIONS = ("Query", "GetItem", "PutItem", "DeleteItem", "TransactWriteItems", "Scan")


@dataclass(frozen=True)
class AccessPattern:
    """One access pattern of the application.

    :param letter: the bootcamp's letter (``A`` to ``E``).
    :param name: a short name, e.g. ``list-messages``.
    :param description: one sentence for the access-pattern chart.
    :param operations: the DynamoDB operations it sends, in order, e.g. ``("Query",)``.
    :param entity: the entity it reads or writes.
    :param key_condition: the key condition in words, e.g. ``pk = MSG#{message_group_uuid}``.
    :param build: a function returning the exact :class:`Request` (first positional argument
        is the table name); it is both the dry run and what the application sends.
    :param example: parameters that make a representative dry run for the chart.
    :param index: the GSI it uses, or None for the table.
    :param order: result order in words (``newest first``).
    :param limit: page size, if any.
    :param command: the CLI command that runs it.
    """

    letter: str
    name: str
    description: str
    operations: tuple[str, ...]
    entity: str
    key_condition: str
    build: Callable[..., Request] = field(repr=False, compare=False)
    example: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    index: str | None = None
    order: str = ""
    limit: int | None = None
    command: str = ""

    def __post_init__(self) -> None:
        bad = [op for op in self.operations if op not in OPERATIONS]
        if not self.operations or bad:
            raise ModelError(
                f"access pattern {self.name!r}: operations {list(self.operations)} must be "
                f"a non-empty list drawn from {OPERATIONS}"
            )

    def dry_run(self, table_name: str, **params: Any) -> Request:
        """The exact request this pattern sends for ``params``, without sending it.

        With no ``params`` the pattern's example parameters are used.
        """
        return self.build(table_name, **(params or dict(self.example)))
