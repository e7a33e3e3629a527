"""Read a PartiQL statement for DynamoDB: its tokens, then its tree (:mod:`.syntax`).

A small recursive-descent reader, no parser package: it follows the grammar of DynamoDB's
PartiQL pages (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html:
SELECT, INSERT, UPDATE, DELETE, and EXISTS in transactions) and refuses what DynamoDB's parser
refuses with the parser's own detail inside DynamoDB's envelope ("Statement wasn't well
formed, can't be processed: Unexpected term"), as DynamoDB answers them.
"""

from __future__ import annotations

from . import lexer as L
from . import syntax as S
from .expressions import ExpressionReader, node_name
from .lexer import tokens
from .syntax import malformed, refused


def read(text: str) -> S.Statement:
    """The statement in ``text``.

    :raises StatementRefused: with DynamoDB's message for a statement it would not read.
    """
    return _Reader(tokens(text)).statement()


class _Reader(ExpressionReader):
    """Reads the statements, around :class:`ExpressionReader`'s expressions."""

    # -- statements ----------------------------------------------------------------------

    def statement(self) -> S.Statement:
        if self.word("select"):
            body: S.Select | S.Insert | S.Update | S.Delete | S.Exists = self.select()
        elif self.word("insert") and self.peek().lower == "into":
            self.pos += 2
            body = self.insert()
        elif self.word("update"):
            self.take()
            body = self.update()
        elif self.word("delete"):
            self.take()
            body = self.delete()
        elif self.word("from"):
            self.take()
            body = self.from_first()
        elif self.word("exists") and self.peek().text == "(":
            self.pos += 2
            if not self.word("select"):
                raise malformed("Unexpected term") if self.at_end() else _unsupported("Call")
            body = S.Exists(self.select())
            self.expect(")", "RIGHT_PAREN")
        else:
            # Any other statement is an expression to DynamoDB's parser: it reads it whole
            # (so a stray token is reported first), then refuses it as no operation.
            expr = self.expression()
            self.finish()
            raise _unsupported(node_name(expr))
        self.finish()
        return S.Statement(body, self.params)

    def select(self) -> S.Select:
        self.take()  # SELECT
        projection: tuple[S.Path, ...] | None
        if self.op("*"):
            self.take()
            projection = None
        else:
            paths = [self.expression()]
            while self.op(","):
                self.take()
                paths.append(self.expression())
            projection = tuple(_projected(p) for p in paths)
        if not self.word("from"):
            raise malformed("Expected FROM after SELECT list")
        self.take()
        source = self.source(simple=False)
        where = self.where()
        order: list[tuple[S.Path, bool]] = []
        if self.word("order") and self.peek().lower == "by":
            self.pos += 2
            while True:
                path = self.expression()
                if not isinstance(path, S.Path) or len(path.steps) != 1:
                    raise refused(
                        f"Argument to ORDER BY must be of type VariableReference. Type: "
                        f"{node_name(path)}"
                    )
                descending = self.word("desc")
                if self.word("asc", "desc"):
                    self.take()
                order.append((path, descending))
                if not self.op(","):
                    break
                self.take()
        return S.Select(projection, source, where, tuple(order))

    def insert(self) -> S.Insert:
        # A name after the table is no alias here: DynamoDB's parser reads it as the item.
        source = self.source(simple=True, alias=False)
        if source.index is not None:
            # Refused as it is read, so whether the index exists does not matter, as DynamoDB
            # answers (UPDATE and DELETE read a qualifier, then refuse it).
            raise refused("FROM clause may only contain a single table name")
        if not self.word("value"):
            self.expression()
            self.finish()
            raise refused(
                "Unsupported operation: Inserting multiple items in a single statement is not "
                'supported, use "INSERT INTO tableName VALUE item" instead'
            )
        self.take()
        value = self.expression()
        if self.word("at"):
            raise refused("AT is not supported in insert statements.")
        if self.word("returning"):
            raise refused("RETURNING is not supported in INSERT")
        return S.Insert(source, value)

    def update(self) -> S.Update:
        source = self.source(simple=True)
        actions = self.actions()
        where = self.where()
        return S.Update(source, actions, where, self.returning())

    def from_first(self) -> S.Update:
        """PartiQL's ``FROM table WHERE ... SET ...`` form of UPDATE."""
        source = self.source(simple=True)
        where = self.where()
        return S.Update(source, self.actions(), where, self.returning())

    def delete(self) -> S.Delete:
        if not self.word("from"):
            raise malformed("Expected FROM after DELETE")
        self.take()
        source = self.source(simple=True)
        where = self.where()
        return S.Delete(source, where, self.returning())

    def actions(self) -> tuple[S.Assign, ...]:
        actions: list[S.Assign] = []
        while self.word("set", "remove"):
            if self.take().lower == "remove":
                actions.append(S.Assign(self.simple_path(), None))
                continue
            while True:
                path = self.simple_path()
                if not self.op("="):
                    raise malformed("Expected '='")
                token = self.take()
                actions.append(S.Assign(path, self.expression(), token))
                if not self.op(","):
                    break
                self.take()
        if not actions:
            raise malformed("Expected data manipulation")
        return tuple(actions)

    def dml_in_expression(self) -> None:
        self.postfix(self.term())
        self.where()
        self.actions()

    def where(self) -> S.Expr | None:
        if not self.word("where"):
            return None
        self.take()
        return self.expression()

    def returning(self) -> str | None:
        if not self.word("returning"):
            return None
        self.take()
        words = [self.take().text.upper() for _ in range(2)]
        if words[0] not in ("ALL", "MODIFIED") or words[1] not in ("OLD", "NEW"):
            raise malformed("Unexpected term")
        if not self.op("*"):
            raise refused("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
        self.take()
        return " ".join(words)

    def source(self, *, simple: bool, alias: bool = True) -> S.Source:
        """The table, and index, after FROM / UPDATE / INSERT INTO / DELETE FROM."""
        if simple:
            path = self.simple_path(source=True)
        else:
            expr = self.postfix(self.term())
            if not isinstance(expr, S.Path) or any(isinstance(s, int) for s in expr.steps):
                raise refused("Unexpected from source")
            path = expr
        if alias and (
            self.word("as") or self.head.kind in ("word", "quoted") and not self.is_clause()
        ):
            raise refused("Aliasing is not supported")
        steps = [str(step) for step in path.steps]
        if any(step == "" for step in steps):
            raise refused("Path component cannot be an empty string")
        if len(steps) > 2:
            raise refused("A path may contain at most 2 components in the FROM clause")
        return S.Source(steps[0], steps[1] if len(steps) == 2 else None)

    def is_clause(self) -> bool:
        return self.head.kind == "word" and (
            self.head.lower in L.KEYWORDS or self.head.lower in L.OPERATOR_WORDS
        )

    def simple_path(self, *, source: bool = False) -> S.Path:
        """A path of names and number indexes, as SET, REMOVE and a written table take."""
        if self.head.kind not in ("word", "quoted") or (
            self.head.kind == "word" and self.head.lower in L.KEYWORDS | L.OPERATOR_WORDS
        ):
            raise malformed("Expected identifier for simple path")
        steps: list[str | int] = [self.take().text]
        while self.op(".", "["):
            if self.take().text == ".":
                if self.head.kind not in ("word", "quoted"):
                    raise malformed("Invalid path dot component")
                steps.append(self.take().text)
            else:
                if self.head.kind != "number" or not self.head.text.isdigit():
                    raise malformed("Invalid path component for simple path")
                steps.append(int(self.take().text))
                self.expect("]", "RIGHT_BRACKET")
        if source and any(isinstance(s, int) for s in steps):
            raise refused("Unexpected from source")
        return S.Path(tuple(steps))


def _projected(expr: S.Expr) -> S.Path:
    """A SELECT list entry: DynamoDB projects document paths only."""
    if isinstance(expr, S.Path):
        return expr
    if isinstance(expr, S.Call):
        raise refused(f"Unexpected path component {expr.token.at()}")
    raise refused("Unexpected path component")


def _unsupported(name: str) -> S.StatementRefused:
    return refused(f"Unsupported operation: {name}")
