"""The tokens of a PartiQL statement for DynamoDB (:func:`tokens`), and the words its parser
treats apart: keywords, operator words, type names.

The lexer takes what DynamoDB's PartiQL lexer takes; what it cannot read (an unterminated
string or comment, a ``#``, a number whose exponent DynamoDB cannot hold) is refused with
DynamoDB's envelope and nothing after it, as DynamoDB answers it.
"""

from __future__ import annotations

import re

from . import syntax as S
from .syntax import malformed

# Words that end an expression or start a clause; as a term they are "Unexpected keyword".
KEYWORDS = frozenset(
    "select from where value values set remove insert into update delete order by as at "
    "returning limit offset case when then else end cast join inner left right outer cross "
    "on group having union intersect except distinct all asc desc pivot unpivot let with "
    "create drop table index".split()
)
# Words the parser reads as operators: as a term they are "Unexpected operator".
OPERATOR_WORDS = frozenset({"and", "or", "is", "in", "like", "between"})
LITERAL_WORDS = {"null": "null", "missing": "missing", "true": "bool", "false": "bool"}
TYPE_NAMES = frozenset(
    "MISSING NULL BOOL BOOLEAN SMALLINT INT INT4 INT8 INTEGER BIGINT FLOAT REAL DECIMAL "
    "NUMERIC TIMESTAMP CHAR CHARACTER VARCHAR STRING SYMBOL CLOB BLOB STRUCT TUPLE LIST SEXP "
    "BAG DATE TIME ANY".split()
)
# Two-word type names.
TYPE_PAIRS = {("DOUBLE", "PRECISION"): "DOUBLE PRECISION", ("CHARACTER", "VARYING"): "VARCHAR"}
COMPARISONS = frozenset({"=", "<>", "!=", "<", "<=", ">", ">="})
_OPERATORS = ("<>", "!=", "<=", ">=", "<<", ">>", "||", "=", "<", ">", "+", "-", "*", "/", "%")
PUNCTUATION = "()[]{},.:;?"
_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_INT_MAX = 2**31 - 1  # DynamoDB reads a number literal's exponent and scale as 32-bit ints


def tokens(text: str) -> list[S.Token]:
    """The statement's tokens, ending with an ``eof`` token.

    :raises StatementRefused: for what the lexer cannot read (an unterminated string or
        comment, a ``#``, a number whose exponent DynamoDB cannot hold): DynamoDB's envelope
        with nothing after it.
    """
    found: list[S.Token] = []
    i, n = 0, len(text)
    line, line_start = 1, 0

    def add(kind: str, value: str, start: int, end: int) -> None:
        found.append(S.Token(kind, value, line, start - line_start + 1, end - start))

    while i < n:
        c = text[i]
        if c == "\n":
            i += 1
            line, line_start = line + 1, i
        elif c.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise malformed("")
            line += text.count("\n", i, end)
            i = end + 2
        elif c in "'\"":
            end, value = _quoted(text, i, c)
            add("string" if c == "'" else "quoted", value, i, end)
            i = end
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            match = _NUMBER.match(text, i)
            assert match is not None
            if not _number_fits(match.group(0)):
                raise malformed("")
            add("number", match.group(0), i, match.end())
            i = match.end()
        elif (word := _WORD.match(text, i)) is not None:
            add("word", word.group(0), i, word.end())
            i = word.end()
        elif c == "?":
            add("param", "?", i, i + 1)
            i += 1
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
            if op is None and c not in PUNCTUATION:
                raise malformed("")  # '#', a backtick, '@'...: nothing the lexer takes
            op = op or c
            add("op", op, i, i + len(op))
            i += len(op)
    found.append(S.Token("eof", "", line, i - line_start + 1, 0))
    return found


def _quoted(text: str, start: int, quote: str) -> tuple[int, str]:
    """End and value of a quoted string or name; a doubled quote stands for one."""
    out, i = [], start + 1
    while True:
        end = text.find(quote, i)
        if end < 0:
            raise malformed("")
        out.append(text[i:end])
        if text.startswith(quote * 2, end):
            out.append(quote)
            i = end + 2
            continue
        return end + 1, "".join(out)


def _number_fits(text: str) -> bool:
    """Whether DynamoDB's parser can hold the literal: its exponent, and its scale (digits
    after the point less the exponent), must fit a 32-bit integer."""
    mantissa, _, exponent = text.lower().partition("e")
    exp = int(exponent) if exponent else 0
    scale = len(mantissa.partition(".")[2]) - exp
    return abs(exp) <= _INT_MAX and -_INT_MAX - 1 <= scale <= _INT_MAX
