"""Access patterns as data: named, documented, and able to show the exact request they send."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from .requests import Request

OPERATIONS = (
    "Query",
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchGetItem",
    "Scan",
)
SORT_OPERATORS = ("=", "begins_with", "between", "<", "<=", ">", ">=")
ACTION_KINDS = ("Put", "Update", "Delete", "ConditionCheck", "Get")


@dataclass(frozen=True)
class SortCondition:
    """A sort-key condition: ``op`` is one of :data:`SORT_OPERATORS`.

    :param op: the comparison.
    :param value: a key template (``"ORDER#{start}"``), or two for ``between``.
    :param attribute: the attribute compared, or None for the index's sort key.
    """

    op: str
    value: str | tuple[str, str]
    attribute: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.value, list):
            object.__setattr__(self, "value", tuple(self.value))

    @property
    def templates(self) -> tuple[str, ...]:
        """The value templates (two for ``between``)."""
        return self.value if isinstance(self.value, tuple) else (self.value,)


@dataclass(frozen=True)
class Filter:
    """A ``FilterExpression`` applied after the read.

    :param expression: the expression, e.g. ``order_total > :min``.
    :param names: ``#name`` placeholders to attribute names.
    :param values: ``:value`` placeholders to templates over the pattern's parameters.
    :param keeps: the estimated fraction of what is read that the filter keeps, or None.
    """

    expression: str
    names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    keeps: float | None = None


@dataclass(frozen=True)
class Action:
    """One write (or read) of an entity's item, alone or inside a transaction.

    :param kind: ``Put``, ``Update``, ``Delete``, ``ConditionCheck`` or ``Get``.
    :param entity: the entity written.
    :param fields: entity field to template over the pattern's parameters; a field not
        listed takes the parameter of the same name.
    :param set: for ``Update``, attribute to template.
    :param remove: for ``Update``, attributes to remove.
    :param condition: a ``ConditionExpression``, or None.
    :param condition_values: its ``:value`` placeholders to templates.
    """

    kind: str
    entity: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    set: Mapping[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    condition: str | None = None
    condition_values: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "remove", tuple(self.remove))
        if self.kind not in ACTION_KINDS:
            raise ModelError(f"action kind {self.kind!r}: choose one of {list(ACTION_KINDS)}")


@dataclass(frozen=True)
class FollowUp:
    """Another pattern of the model that each request of a pattern causes, ``times`` times:
    its cost is part of the pattern's (Cruddur's E queries the GSI, then moves both summaries
    with ``move-message-group``: ``FollowUp("move-message-group", 2)``).

    :param pattern: the followed pattern's name.
    :param times: how many of its requests one request of the pattern causes.
    """

    pattern: str
    times: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 1:
            raise ModelError(
                f"follows {self.pattern!r} {self.times!r} times: times must be a whole number "
                "of at least 1"
            )


@dataclass(frozen=True)
class AccessPattern:
    """One access pattern of the application.

    :param letter: a short label (the bootcamp's ``A`` to ``E``), or ``""``.
    :param name: a short name, e.g. ``list-messages``.
    :param description: one sentence for the access-pattern chart.
    :param operations: the DynamoDB operations it sends, in order, e.g. ``("Query",)``; the
        first is the one its declaration builds.
    :param entity: the entity it reads or writes (the first of ``returns`` by default).
    :param key_condition: the key condition in words, e.g. ``pk = MSG#{message_group_uuid}``.
    :param build: a function returning the exact :class:`Request` (first positional argument
        is the table name); None means the model's generic
        :class:`~workbench.model.builder.RequestBuilder`, bound when the model is made.
    :param example: parameters that make a representative dry run for the chart.
    :param index: the GSI or LSI it uses, or None for the table.
    :param order: result order in words (``newest first``).
    :param limit: page size, if any.
    :param command: the CLI command that runs it.
    :param partition_key: the partition-key template (Query, GetItem), or None.
    :param partition_attribute: the attribute it compares, or None for the index's own.
    :param sort_key: the sort-key condition, or None.
    :param forward: ascending sort-key order (``ScanIndexForward``).
    :param consistent_read: a strongly consistent read.
    :param projection: the attributes to return (all when empty).
    :param filter: a filter applied after reading, or None.
    :param returns: the entities it must return (reads) or writes.
    :param actions: the writes (PutItem, UpdateItem, DeleteItem: one; TransactWriteItems:
        several) or the entity read by BatchGetItem.
    :param follows: the other patterns of the model each request causes, with how many of
        each (:class:`FollowUp`); their cost is part of this pattern's.
    """

    letter: str = ""
    name: str = ""
    description: str = ""
    operations: tuple[str, ...] = ()
    entity: str = ""
    key_condition: str = ""
    build: Callable[..., Request] | None = field(default=None, repr=False, compare=False)
    example: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    index: str | None = None
    order: str = ""
    limit: int | None = None
    command: str = ""
    partition_key: str | None = None
    partition_attribute: str | None = None
    sort_key: SortCondition | None = None
    forward: bool = True
    consistent_read: bool = False
    projection: tuple[str, ...] = ()
    filter: Filter | None = None
    returns: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    follows: tuple[FollowUp, ...] = ()

    def __post_init__(self) -> None:
        for name in ("operations", "projection", "returns", "actions", "follows"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.name:
            raise ModelError("an access pattern needs a name")
        bad = [op for op in self.operations if op not in OPERATIONS]
        if not self.operations or bad:
            raise ModelError(
                f"access pattern {self.name!r}: operations {list(self.operations)} must be "
                f"a non-empty list drawn from {OPERATIONS}"
            )
        if self.sort_key is not None and self.sort_key.op not in SORT_OPERATORS:
            raise ModelError(
                f"access pattern {self.name!r}: sort-key operator {self.sort_key.op!r}; "
                f"choose one of {list(SORT_OPERATORS)}"
            )

    @property
    def operation(self) -> str:
        """The operation this pattern's declaration builds (the first of ``operations``)."""
        return self.operations[0]

    def dry_run(self, table_name: str, **params: Any) -> Request:
        """The exact request this pattern sends for ``params``, without sending it.

        With no ``params`` the pattern's example parameters are used.

        :raises ModelError: if the pattern belongs to no model yet (nothing builds it).
        """
        if self.build is None:
            raise ModelError(
                f"access pattern {self.name!r} is not part of a model yet: build it with "
                "Model(...).pattern(name).dry_run(...)"
            )
        return self.build(table_name, **(params or dict(self.example)))
