"""Read the expressions of a PartiQL statement: conditions, values, paths, literals.

:class:`ExpressionReader` walks the tokens of :mod:`.lexer` by recursive descent, with the
precedence of DynamoDB's PartiQL parser (OR, AND, NOT, comparisons, ``+ - ||``, ``* / %``,
unary signs, paths) and its messages for what it cannot read ("Unexpected term",
"Unexpected keyword", "Missing right-hand side expression of infix operator"...).
:mod:`.reader` reads the statements around them.
"""

from __future__ import annotations

from collections.abc import Callable

from . import lexer as L
from . import syntax as S
from .syntax import malformed, refused


class ExpressionReader:
    """A cursor over a statement's tokens, reading expressions."""

    def __init__(self, toks: list[S.Token]) -> None:
        self.toks = toks
        self.pos = 0
        self.params = 0

    # -- tokens --------------------------------------------------------------------------

    @property
    def head(self) -> S.Token:
        return self.toks[self.pos]

    def peek(self, ahead: int = 1) -> S.Token:
        return self.toks[min(self.pos + ahead, len(self.toks) - 1)]

    def take(self) -> S.Token:
        tok = self.head
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def word(self, *words: str) -> bool:
        """Whether the head is one of the (unquoted, any case) ``words``."""
        return self.head.kind == "word" and self.head.lower in words

    def op(self, *ops: str) -> bool:
        return self.head.kind == "op" and self.head.text in ops

    def expect(self, op: str, name: str) -> None:
        if not self.op(op):
            raise malformed(f"Expected {name}")
        self.take()

    def at_end(self) -> bool:
        """Only the end (or a final ``;``) is left."""
        rest = self.toks[self.pos :]
        return rest[0].kind == "eof" or (
            rest[0].kind == "op" and rest[0].text == ";" and rest[1].kind == "eof"
        )

    def finish(self) -> None:
        if not self.at_end():
            if self.op(";"):
                raise malformed("Unexpected token after semicolon. (Only one query is allowed.)")
            raise malformed("Unexpected token after expression")

    # -- expressions ---------------------------------------------------------------------

    def dml_in_expression(self) -> None:
        """Read the rest of a FROM-first DML met inside an expression (:mod:`.reader`)."""
        raise NotImplementedError

    def expression(self) -> S.Expr:
        return self.disjunction()

    def infix_operand(self, parse: Callable[[], S.Expr]) -> S.Expr:
        if self.at_end():
            raise malformed("Missing right-hand side expression of infix operator")
        return parse()

    def disjunction(self) -> S.Expr:
        left = self.conjunction()
        while self.word("or"):
            token = self.take()
            left = S.Binary("or", left, self.infix_operand(self.conjunction), token)
        return left

    def conjunction(self) -> S.Expr:
        left = self.negation()
        while self.word("and"):
            token = self.take()
            left = S.Binary("and", left, self.infix_operand(self.negation), token)
        return left

    def negation(self) -> S.Expr:
        if self.word("not"):
            self.take()
            return S.Unary("not", self.negation())
        return self.comparison()

    def comparison(self) -> S.Expr:
        left = self.additive()
        while True:
            negated = self.word("not") and self.peek().lower in ("in", "between", "like")
            if negated:
                self.take()
            if self.op(*L.COMPARISONS):
                token = self.take()
                op = "<>" if token.text == "!=" else token.text
                left = S.Binary(op, left, self.infix_operand(self.additive), token)
            elif self.word("is"):
                self.take()
                is_not = self.word("not")
                if is_not:
                    self.take()
                left = S.Is(left, self.type_name(), is_not)
            elif self.word("in"):
                self.take()
                left = S.In(left, self.infix_operand(self.additive), negated)
            elif self.word("between"):
                token = self.take()
                low = self.infix_operand(self.additive)
                if not self.word("and"):
                    raise malformed("Expected AND")
                self.take()
                left = S.Between(left, low, self.infix_operand(self.additive), negated, token)
            elif self.word("like"):
                token = self.take()
                left = S.Binary("like", left, self.infix_operand(self.additive), token)
                if self.word("escape"):
                    self.take()
                    self.additive()
                if negated:
                    left = S.Unary("not", left)
            else:
                return left

    def type_name(self) -> str:
        first = self.head.text.upper() if self.head.kind == "word" else ""
        pair = L.TYPE_PAIRS.get((first, self.peek().text.upper()))
        if pair:
            self.pos += 2
            return pair
        if first not in L.TYPE_NAMES:
            raise malformed("Expected type name")
        self.take()
        return first

    def additive(self) -> S.Expr:
        left = self.multiplicative()
        while self.op("+", "-", "||"):
            token = self.take()
            left = S.Binary(token.text, left, self.infix_operand(self.multiplicative), token)
        return left

    def multiplicative(self) -> S.Expr:
        left = self.unary()
        while self.op("*", "/", "%"):
            token = self.take()
            left = S.Binary(token.text, left, self.infix_operand(self.unary), token)
        return left

    def unary(self) -> S.Expr:
        if self.op("-", "+"):
            sign = self.take().text
            operand = self.unary()
            if sign == "-" and isinstance(operand, S.Literal) and operand.kind == "number":
                return S.Literal("number", "-" + operand.text)
            return S.Unary(sign, operand)
        return self.postfix(self.term())

    def postfix(self, expr: S.Expr) -> S.Expr:
        while self.op(".", "["):
            if self.take().text == ".":
                if self.head.kind not in ("word", "quoted"):
                    raise malformed("Invalid path dot component")
                step: str | int = self.take().text
            else:
                index = self.expression()
                self.expect("]", "RIGHT_BRACKET")
                if not (isinstance(index, S.Literal) and index.kind == "number"):
                    raise refused("Unexpected path component")
                step = int(index.text) if index.text.isdigit() else -1
                if step < 0:
                    raise refused(
                        f"List index is not within the allowable range; index: [{index.text}]"
                    )
            if not isinstance(expr, S.Path):
                raise refused("Unexpected path component")
            expr = S.Path(expr.steps + (step,))
        return expr

    def term(self) -> S.Expr:
        tok = self.head
        if tok.kind == "word":
            lower = tok.lower
            if self.peek().text == "(" and lower not in L.OPERATOR_WORDS and lower != "not":
                if lower in L.KEYWORDS:
                    raise malformed("Unexpected keyword")
                self.pos += 2
                return self.call(tok)
            if lower in L.LITERAL_WORDS:
                self.take()
                return S.Literal(L.LITERAL_WORDS[lower], lower)
            if lower == "from":
                # PartiQL's FROM-first DML inside an expression: DynamoDB's parser reads it as
                # far as it goes (so "SELEC * FROM t" fails on its missing SET).
                self.take()
                self.dml_in_expression()
                return S.Literal("missing", "missing")
            if lower in L.OPERATOR_WORDS or lower == "not":
                raise malformed("Unexpected operator")
            if lower in L.KEYWORDS:
                raise malformed("Unexpected keyword")
            self.take()
            return S.Path((tok.text,))
        if tok.kind == "quoted":
            self.take()
            if self.op("("):
                self.take()
                return self.call(tok)
            return S.Path((tok.text,))
        if tok.kind in ("string", "number"):
            self.take()
            return S.Literal(tok.kind, tok.text)
        if tok.kind == "param":
            self.take()
            self.params += 1
            return S.Param(self.params - 1)
        if tok.text == "(":
            self.take()
            if self.word("select"):
                query = S.Subquery(self.select())
                self.expect(")", "RIGHT_PAREN")
                return query
            if self.op(")"):
                raise malformed("Expression group cannot be empty")
            items = self.items(")", "RIGHT_PAREN")
            return items[0] if len(items) == 1 else S.Sequence("row", items)
        if tok.text == "[":
            self.take()
            return S.Sequence("list", self.items("]", "RIGHT_BRACKET", empty=True))
        if tok.text == "<<":
            self.take()
            return S.Sequence("bag", self.items(">>", "RIGHT_DOUBLE_ANGLE_BRACKET", empty=True))
        if tok.text == "{":
            self.take()
            return self.struct()
        if tok.kind == "op" and tok.text not in L.PUNCTUATION:
            raise malformed("Unexpected operator")
        raise malformed("Unexpected term")

    def items(self, close: str, name: str, *, empty: bool = False) -> tuple[S.Expr, ...]:
        found: list[S.Expr] = []
        if empty and self.op(close):
            self.take()
            return ()
        while True:
            found.append(self.expression())
            if not self.op(","):
                break
            self.take()
        self.expect(close, name)
        return tuple(found)

    def struct(self) -> S.Struct:
        entries: list[tuple[S.Expr, S.Expr]] = []
        if self.op("}"):
            self.take()
            return S.Struct(())
        while True:
            key = self.expression()
            self.expect(":", "COLON")
            entries.append((key, self.expression()))
            if not self.op(","):
                break
            self.take()
        self.expect("}", "RIGHT_CURLY")
        return S.Struct(tuple(entries))

    def call(self, name: S.Token) -> S.Call:
        args: tuple[S.Expr, ...] = ()
        if self.op(")"):
            self.take()
        else:
            args = self.items(")", "RIGHT_PAREN")
        return S.Call(name.lower, args, name)


_BINARY_NAMES = {
    "and": "And", "or": "Or", "=": "Eq", "<>": "Ne", "<": "Lt", "<=": "Lte", ">": "Gt",
    ">=": "Gte", "+": "Plus", "-": "Minus", "*": "Times", "/": "Divide", "%": "Modulo",
    "||": "Concat", "like": "Like",
}  # fmt: skip


def node_name(expr: S.Expr) -> str:
    """The name DynamoDB gives an expression it cannot run as a statement (PartiQL's node)."""
    if isinstance(expr, S.Binary):
        return _BINARY_NAMES[expr.op]
    if isinstance(expr, S.Unary):
        return {"not": "Not", "-": "Neg", "+": "Pos"}[expr.op]
    if isinstance(expr, S.Path):
        return "Id" if len(expr.steps) == 1 else "Path"
    names = {
        S.Literal: "Lit", S.Param: "Parameter", S.Call: "Call", S.Between: "Between",
        S.In: "InCollection", S.Is: "IsType", S.Struct: "Struct", S.Subquery: "Select",
    }  # fmt: skip
    if isinstance(expr, S.Sequence):
        return {"list": "List", "bag": "Bag", "row": "List"}[expr.kind]
    return names.get(type(expr), type(expr).__name__)
