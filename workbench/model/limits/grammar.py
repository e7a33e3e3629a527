"""DynamoDB's expression grammar: condition, key condition, update and projection expressions
read into small trees, or refused with DynamoDB's syntax error.

The grammar is the developer guide's:

- a condition (ConditionExpression, FilterExpression, KeyConditionExpression) is a comparison
  (``a = :v``, ``=`` ``<>`` ``<`` ``<=`` ``>`` ``>=``), ``x BETWEEN lo AND hi``,
  ``x IN (a, b, ...)``, a function (``attribute_exists(a)``, ``begins_with(a, :v)``...), or
  conditions joined by ``AND``/``OR``, negated by ``NOT`` (tightest first: NOT, AND, OR), in
  parentheses or not; an operand is a document path, a ``:value``, or a function (``size(a)``);
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
- an update is clauses ``SET``, ``REMOVE``, ``ADD``, ``DELETE``, each with comma-separated
  actions; a SET value is an operand, or two joined by ``+`` or ``-``, in parentheses or not;
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
- a projection is comma-separated document paths;
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
- a document path is names (or ``#name`` placeholders) joined by ``.``, each followed by list
  indexes ``[n]``.
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Attributes.html

A syntax error is DynamoDB's ``Syntax error; token: "<token>", near: "<text>"``: the token where
reading stopped (``<EOF>`` at the end), and the text around it, from the token before to the
token after (each with the whitespace that parts them), as DynamoDB and moto word it; an empty
expression is "The expression can not be empty;". Pure: the checks and the moto patches share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, NoReturn

EMPTY = "The expression can not be empty;"
SYNTAX = 'Syntax error; token: "{token}", near: "{near}"'
COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")

_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<attr>\#[A-Za-z0-9_]*)"
    r"|(?P<value>:[A-Za-z0-9_]*)"
    r"|(?P<number>[0-9]+)"
    r"|(?P<op><>|<=|>=|[=<>()\[\],.+\-])"
    r"|(?P<other>.)",
    re.DOTALL,
)


class ExpressionSyntax(ValueError):
    """An expression DynamoDB cannot read.

    :param message: DynamoDB's words, without the ``Invalid <member>: `` it puts first.
    :param at: how far reading got (of two failed readings, the further one is reported).
    """

    def __init__(self, message: str, at: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


@dataclass(frozen=True)
class Path:
    """A document path: names (``#name`` placeholders as written) and list indexes."""

    parts: tuple[str | int, ...]


@dataclass(frozen=True)
class Value:
    """A ``:value`` placeholder."""

    name: str


@dataclass(frozen=True)
class Call:
    """A function and its operands: ``size(a)``, ``begins_with(a, :v)``..."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Condition:
    """A comparator (``=``...), ``BETWEEN``, ``IN``, ``AND``, ``OR`` or ``NOT`` and its operands."""

    op: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Arithmetic:
    """A SET value ``a + b`` or ``a - b``."""

    op: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Action:
    """One action of an update clause: its path and, but for REMOVE, its value."""

    clause: str
    path: Path
    value: Node | None


Node = Path | Value | Call | Condition | Arithmetic


class _Token(NamedTuple):
    kind: str
    text: str


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)]


class _Reader:
    """A recursive-descent reader over one expression's tokens (whitespace kept for ``near``)."""

    def __init__(self, text: str) -> None:
        if text == "":
            raise ExpressionSyntax(EMPTY)
        self.tokens = _tokens(text)
        self.at = 0
        self._skip()

    def _skip(self) -> None:
        while self.at < len(self.tokens) and self.tokens[self.at].kind == "space":
            self.at += 1

    def peek(self, ahead: int = 0) -> _Token | None:
        at = self.at
        for _ in range(ahead):
            at += 1
            while at < len(self.tokens) and self.tokens[at].kind == "space":
                at += 1
        return self.tokens[at] if at < len(self.tokens) else None

    def sees(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text == text

    def sees_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "name" and token.text.upper() in words

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            self.fail()
        self.at += 1
        self._skip()
        return token

    def expect(self, text: str) -> None:
        if not self.sees(text):
            self.fail()
        self.take()

    def end(self) -> None:
        if self.peek() is not None:
            self.fail()

    def fail(self) -> NoReturn:
        tokens, at = self.tokens, self.at
        token = tokens[at].text if at < len(tokens) else "<EOF>"
        near = ""
        if at >= 2 and tokens[at - 1].kind == "space":
            near += tokens[at - 2].text
        if at >= 1:
            near += tokens[at - 1].text
        if at < len(tokens):
            near += tokens[at].text
            if at + 1 < len(tokens):
                near += tokens[at + 1].text
                if tokens[at + 1].kind == "space" and at + 2 < len(tokens):
                    near += tokens[at + 2].text
        raise ExpressionSyntax(SYNTAX.format(token=token, near=near), at)

    def path(self, keywords: bool = False) -> Path:
        token = self.peek()
        if token is None or token.kind not in ("name", "attr"):
            self.fail()
        if token.kind == "name" and token.text.upper() in KEYWORDS and not keywords:
            self.fail()
        parts: list[str | int] = [self.take().text]
        while True:
            if self.sees("."):
                self.take()
                token = self.peek()
                if token is None or token.kind not in ("name", "attr"):
                    self.fail()
                parts.append(self.take().text)
            elif self.sees("["):
                self.take()
                token = self.peek()
                if token is None or token.kind != "number":
                    self.fail()
                parts.append(int(self.take().text))
                self.expect("]")
            else:
                return Path(tuple(parts))

    def _is_call(self) -> bool:
        token, after = self.peek(), self.peek(1)
        return (
            token is not None
            and token.kind == "name"
            and token.text.upper() not in KEYWORDS
            and after is not None
            and after.text == "("
        )

    def call(self, argument: str = "operand") -> Call:
        name = self.take().text
        self.expect("(")
        args: list[Node] = []
        if not self.sees(")"):
            args.append(getattr(self, argument)())
            while self.sees(","):
                self.take()
                args.append(getattr(self, argument)())
        self.expect(")")
        return Call(name, tuple(args))

    def operand(self) -> Node:
        token = self.peek()
        if token is None:
            self.fail()
        if self.sees("("):
            self.take()
            inner = self.operand()
            self.expect(")")
            return inner
        if token.kind == "value":
            return Value(self.take().text)
        if self._is_call():
            return self.call()
        return self.path()

    def condition(self) -> Node:
        left = self.conjunction()
        while self.sees_word("OR"):
            self.take()
            left = Condition("OR", (left, self.conjunction()))
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while self.sees_word("AND"):
            self.take()
            left = Condition("AND", (left, self.negation()))
        return left

    def negation(self) -> Node:
        if self.sees_word("NOT"):
            self.take()
            return Condition("NOT", (self.negation(),))
        return self.primary()

    def _sees_operator(self) -> bool:
        token = self.peek()
        return token is not None and (
            (token.kind == "op" and token.text in COMPARATORS) or self.sees_word("BETWEEN", "IN")
        )

    def primary(self) -> Node:
        if not self.sees("("):
            return self.comparison()
        start = self.at
        try:  # a condition in parentheses...
            self.take()
            inner = self.condition()
            self.expect(")")
            if not self._sees_operator():
                return inner
        except ExpressionSyntax as first:
            self.at = start
            try:  # ...or a comparison whose first operand is in parentheses
                return self.comparison()
            except ExpressionSyntax as second:
                raise max(first, second, key=lambda error: error.at) from None
        self.at = start
        return self.comparison()

    def comparison(self) -> Node:
        if self._is_call():
            left: Node = self.call()
            if not self._sees_operator():
                return left  # a function that is a condition itself
        else:
            left = self.operand()
        token = self.peek()
        if token is None or not self._sees_operator():
            self.fail()
        op = self.take().text.upper()
        if op == "BETWEEN":
            low = self.operand()
            if not self.sees_word("AND"):
                self.fail()
            self.take()
            return Condition(op, (left, low, self.operand()))
        if op == "IN":
            self.expect("(")
            items = [self.operand()]
            while self.sees(","):
                self.take()
                items.append(self.operand())
            self.expect(")")
            return Condition(op, (left, *items))
        return Condition(op, (left, self.operand()))

    def value(self) -> Node:
        left = self.set_operand()
        if self.sees("+") or self.sees("-"):
            op = self.take().text
            return Arithmetic(op, (left, self.set_operand()))
        return left

    def set_operand(self) -> Node:
        if self.sees("("):
            self.take()
            inner = self.value()
            self.expect(")")
            return inner
        token = self.peek()
        if token is not None and token.kind == "value":
            return Value(self.take().text)
        if self._is_call():
            return self.call("value")
        return self.path()

    def actions(self) -> list[Action]:
        found: list[Action] = []
        if not self.sees_word(*CLAUSES):
            self.fail()
        while self.sees_word(*CLAUSES):
            clause = self.take().text.upper()
            while True:
                path = self.path()
                if clause == "SET":
                    self.expect("=")
                    found.append(Action(clause, path, self.value()))
                elif clause == "REMOVE":
                    found.append(Action(clause, path, None))
                else:
                    found.append(Action(clause, path, self.set_operand()))
                if not self.sees(","):
                    break
                self.take()
        return found


def condition(text: str) -> Node:
    """Read a ConditionExpression, FilterExpression or KeyConditionExpression.

    :raises ExpressionSyntax: with DynamoDB's message.
    """
    reader = _Reader(text)
    tree = reader.condition()
    reader.end()
    return tree


def update(text: str) -> list[Action]:
    """Read an UpdateExpression into its actions, in order.

    :raises ExpressionSyntax: with DynamoDB's message.
    """
    reader = _Reader(text)
    found = reader.actions()
    reader.end()
    return found


def projection(text: str) -> list[Path]:
    """Read a ProjectionExpression into its document paths, in order.

    :raises ExpressionSyntax: with DynamoDB's message.
    """
    reader = _Reader(text)
    paths = [reader.path(keywords=True)]
    while reader.sees(","):
        reader.take()
        paths.append(reader.path(keywords=True))
    reader.end()
    return paths


def nodes(tree: Node | Action) -> list[Node]:
    """Every node of a tree, the tree first (an action's path, then its value's)."""
    if isinstance(tree, Action):
        return [tree.path] + (nodes(tree.value) if tree.value is not None else [])
    found: list[Node] = [tree]
    for child in getattr(tree, "args", ()):
        found += nodes(child)
    return found
