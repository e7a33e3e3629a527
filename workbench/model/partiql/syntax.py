"""What a PartiQL statement for DynamoDB is made of, once read: tokens and the statement tree.

:mod:`.reader` builds these from the statement's text; :mod:`.conditions` and :mod:`.run`
evaluate them. Every node is an immutable dataclass, so a statement can be read once and run
many times (a batch, a replayed journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ...errors import RequestRejected

VALIDATION = "ValidationException"
# DynamoDB wraps every message of its PartiQL parser in this envelope (API reference,
# ExecuteStatement, and DynamoDB's answers to malformed statements).
NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "


class StatementRefused(RequestRejected):
    """DynamoDB refuses a PartiQL statement, or the write it asks for.

    :param code: DynamoDB's error code (``ValidationException``,
        ``ConditionalCheckFailedException``, ``DuplicateItemException``...).
    :param message: DynamoDB's message.
    :param table: the table the statement names, when known.
    :param reasons: for ``TransactionCanceledException``, one ``(code, message)`` per
        statement (``(None, None)`` for a statement that would have run).
    """

    def __init__(
        self,
        code: str,
        message: str,
        table: str | None = None,
        reasons: list[tuple[str | None, str | None]] | None = None,
    ) -> None:
        super().__init__("ExecuteStatement", table, code, message)
        self.reasons = reasons


def refused(message: str, table: str | None = None) -> StatementRefused:
    """A ``ValidationException`` with ``message`` as it is (no envelope)."""
    return StatementRefused(VALIDATION, message, table)


def malformed(detail: str) -> StatementRefused:
    """A statement the parser cannot read: DynamoDB's envelope around the parser's detail."""
    return StatementRefused(VALIDATION, NOT_WELL_FORMED + detail)


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is ``word`` (unquoted), ``quoted`` ("..."), ``string`` ('...'),
    ``number``, ``param`` (?), ``op`` (an operator or punctuation) or ``eof``.

    :param text: the token's text (a word as written, a string or name without its quotes).
    :param line: 1-based line of its first character.
    :param column: 1-based column of its first character.
    :param length: its length in the statement.
    """

    kind: str
    text: str
    line: int
    column: int
    length: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    def at(self) -> str:
        """Where the token is, as DynamoDB writes it: ``at <line>:<column>:<length>``."""
        return f"at {self.line}:{self.column}:{self.length}"


# -- expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A literal: ``kind`` is ``string``, ``number``, ``bool``, ``null`` or ``missing``."""

    kind: str
    text: str


@dataclass(frozen=True)
class Param:
    """The ``index``-th ``?`` of the statement (0-based)."""

    index: int


@dataclass(frozen=True)
class Path:
    """A document path: an attribute name, then names and list indexes.

    :param steps: the attribute name first, then ``str`` (a map key) or ``int`` (a list
        index) per step.
    """

    steps: tuple[str | int, ...]

    @property
    def name(self) -> str:
        """The top-level attribute the path starts with."""
        return str(self.steps[0])

    def label(self) -> str:
        """The name DynamoDB gives the path in a SELECT's answer: the last map key, with the
        list indexes written after it (``a.b`` is ``b``, ``l[1]`` is ``l[1]``)."""
        last = max(i for i, step in enumerate(self.steps) if isinstance(step, str))
        return str(self.steps[last]) + "".join(f"[{step}]" for step in self.steps[last + 1 :])


@dataclass(frozen=True)
class Sequence:
    """A list ``[...]``, a bag ``<<...>>`` or a row ``(a, b)``: ``kind`` tells which."""

    kind: str
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Struct:
    """A map literal ``{'k': v, ...}``."""

    entries: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Call:
    """A function call; ``name`` is lower case, ``token`` the name as written."""

    name: str
    args: tuple[Expr, ...]
    token: Token


@dataclass(frozen=True)
class Binary:
    """``left op right``: ``op`` is ``and``, ``or``, ``=``, ``<>``, ``<``, ``<=``, ``>``,
    ``>=``, ``+``, ``-``, ``*``, ``/``, ``%``, ``||`` or ``like``."""

    op: str
    left: Expr
    right: Expr
    token: Token


@dataclass(frozen=True)
class Unary:
    """``not x``, ``-x`` or ``+x``."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Between:
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    token: Token


@dataclass(frozen=True)
class In:
    operand: Expr
    options: Expr
    negated: bool


@dataclass(frozen=True)
class Is:
    """``x IS [NOT] <type>``: ``type_name`` upper case (``MISSING``, ``NULL``, ``BOOL``...)."""

    operand: Expr
    type_name: str
    negated: bool


@dataclass(frozen=True)
class Subquery:
    """``(SELECT ...)``, as ``EXISTS`` takes it."""

    select: Select


Expr = Union[  # noqa: UP007 (a runtime alias, read by the dataclasses above)
    Literal, Param, Path, Sequence, Struct, Call, Binary, Unary, Between, In, Is, Subquery
]


# -- statements --------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The table (and index) a statement reads or writes."""

    table: str
    index: str | None = None


@dataclass(frozen=True)
class Select:
    """``SELECT projection FROM source [WHERE ...] [ORDER BY ...]``.

    :param projection: the paths asked for; None for ``*``.
    :param order: ``(path, descending)`` per ORDER BY term.
    """

    projection: tuple[Path, ...] | None
    source: Source
    where: Expr | None
    order: tuple[tuple[Path, bool], ...] = ()


@dataclass(frozen=True)
class Insert:
    source: Source
    value: Expr


@dataclass(frozen=True)
class Assign:
    """``SET path = value``; ``value`` None is ``REMOVE path``."""

    path: Path
    value: Expr | None
    token: Token | None = None


@dataclass(frozen=True)
class Update:
    """``UPDATE`` (or the FROM-first form): its SET and REMOVE actions in order.

    :param returning: ``ALL OLD``, ``MODIFIED OLD``, ``ALL NEW``, ``MODIFIED NEW`` or None.
    """

    source: Source
    actions: tuple[Assign, ...]
    where: Expr | None
    returning: str | None = None


@dataclass(frozen=True)
class Delete:
    source: Source
    where: Expr | None
    returning: str | None = None


@dataclass(frozen=True)
class Exists:
    """``EXISTS(SELECT ...)``: a condition check, in ``ExecuteTransaction`` only."""

    select: Select


@dataclass(frozen=True)
class Statement:
    """One statement as read: what it does, and how many ``?`` it takes."""

    body: Select | Insert | Update | Delete | Exists
    params: int = 0

    @property
    def table(self) -> str:
        body = self.body
        return (body.select if isinstance(body, Exists) else body).source.table

    @property
    def is_read(self) -> bool:
        return isinstance(self.body, Select)
