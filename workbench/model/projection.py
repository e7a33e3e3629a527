"""ProjectionExpression and AttributesToGet: which parts of an item a read returns.

DynamoDB projects document paths, not only top-level attributes: ``mylist[1]`` returns the list
with that one element, ``m.a, m.b`` returns the map with both keys, and a path that matches
nothing is left out (an item with none of them comes back as ``{}``).
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html

Items are DynamoDB's typed JSON (``{"a": {"L": [{"S": "x"}]}}``); a path is a tuple of map keys
(``str``) and list indexes (``int``). Pure and dependency-free, so the managed server, the moto
patches and the checks share one reading of a projection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Path = tuple[str | int, ...]

# One element of a document path: a name or #placeholder, or a list index.
_ELEMENT = re.compile(r"\s*(?:(#?[A-Za-z0-9_]+)|\[\s*(\d+)\s*\])\s*")


class ProjectionSyntax(ValueError):
    """A projection this reader cannot take apart (the engine reports DynamoDB's error)."""


def split_paths(expression: str) -> list[str]:
    """The comma-separated document paths of a projection, stripped."""
    return [part.strip() for part in expression.split(",")]


def parse_path(text: str, names: Mapping[str, str] | None = None) -> tuple[Path, list[str]]:
    """One document path as a tuple, ``#name`` placeholders resolved through ``names``.

    :param text: e.g. ``#l[1].b``.
    :param names: the request's ExpressionAttributeNames.
    :returns: the path and the placeholders it used, in order.
    :raises ProjectionSyntax: for text that is not a document path, or an undefined
        placeholder.
    """
    names = names or {}
    path: list[str | int] = []
    used: list[str] = []
    at = 0
    expect_name = True  # a path starts with a name, and one follows every dot
    while at < len(text):
        match = _ELEMENT.match(text, at)
        if match is None:
            raise ProjectionSyntax(text)
        name, index = match.groups()
        if name is not None:
            if not expect_name:
                raise ProjectionSyntax(text)
            if name.startswith("#"):
                if name not in names:
                    raise ProjectionSyntax(text)
                used.append(name)
                name = names[name]
            path.append(name)
        else:
            if expect_name:
                raise ProjectionSyntax(text)
            path.append(int(index))
        at = match.end()
        expect_name = False
        if at < len(text) and text[at] == ".":
            at += 1
            expect_name = True
    if not path or expect_name:
        raise ProjectionSyntax(text)
    return tuple(path), used


def parse(expression: str, names: Mapping[str, str] | None = None) -> list[Path]:
    """Every document path of a ProjectionExpression, in order.

    :raises ProjectionSyntax: as :func:`parse_path`.
    """
    return [parse_path(part, names)[0] for part in split_paths(expression)]


# A tree of requested paths: a leaf (True) takes the whole value; otherwise map keys and list
# indexes lead to subtrees.
_Tree = dict[Any, Any]


def _tree(paths: Iterable[Sequence[str | int]]) -> _Tree:
    root: _Tree = {}
    for path in paths:
        node = root
        for step in path[:-1]:
            child = node.get(step)
            if child is True:
                break  # a parent is projected whole already
            node = node.setdefault(step, {})
        else:
            node[path[-1]] = True
    return root


def _take(value: Any, node: _Tree | bool) -> Any:
    """The part of one typed value that ``node`` selects, or None when nothing matches."""
    if node is True:
        return value
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((kind, inner),) = value.items()
    if kind == "M" and isinstance(inner, Mapping):
        picked = {
            key: part
            for key, sub in node.items()
            if isinstance(key, str) and key in inner
            for part in [_take(inner[key], sub)]
            if part is not None
        }
        # Keys keep the item's own order, as a whole-map read would.
        ordered = {key: picked[key] for key in inner if key in picked}
        return {"M": ordered} if ordered else None
    if kind == "L" and isinstance(inner, list):
        # The selected elements, in index order, become a shorter list.
        elements = [
            part
            for index in sorted(k for k in node if isinstance(k, int))
            if index < len(inner)
            for part in [_take(inner[index], node[index])]
            if part is not None
        ]
        return {"L": elements} if elements else None
    return None


def project(item: Mapping[str, Any], paths: Iterable[Sequence[str | int]]) -> dict[str, Any]:
    """The parts of a typed ``item`` that ``paths`` select (``{}`` when none match).

    :param item: attribute name to typed value.
    :param paths: document paths, e.g. ``[("mylist", 1), ("m", "a")]``.
    """
    tree = _tree(paths)
    out: dict[str, Any] = {}
    for name, value in item.items():
        if name in tree:
            part = _take(value, tree[name])
            if part is not None:
                out[name] = part
    return out
