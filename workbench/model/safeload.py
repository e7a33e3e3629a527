"""Reading the YAML and JSON files users give the workbench, within limits of size and shape.

Every model file (ours, and NoSQL Workbench JSON), traffic profile and model sample section is
parsed here. A file over :data:`MAX_BYTES`, nested deeper than :data:`MAX_DEPTH`, or whose
YAML aliases expand to more than :data:`MAX_NODES` values ("billion laughs": 375 bytes that
expand to 10⁹ values) is refused at once with one line naming the file and the limit, before
anything walks it. Format and limits: ``docs/model-files.md``.

Not imported by :mod:`workbench.model` itself: it needs PyYAML, which the stream Lambda does
not ship.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputLimitError, ModelError

MAX_BYTES = 4 * 1024 * 1024
"""The largest file read: the biggest example model (``models/saas.json``) is 65 kB."""
MAX_NODES = 1_000_000
"""The most values (mapping, list or scalar) one document may hold, every alias counted as
often as it is used: what a reader of the document walks."""
MAX_DEPTH = 100
"""The deepest nesting (aliases expanded): DynamoDB allows 32 levels in an item, which its
JSON form doubles, inside a few levels of document."""


class _Refused(Exception):
    """A limit the loader hit, before the file's name is known to the message."""


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting while it composes: the values aliases expand to, and
    the depth (aliases expanded); refuses past the limits and refuses recursive aliases.

    PyYAML shares the object of an anchor between its aliases, so loading a billion laughs
    is cheap; what hurts is every reader after it (the schema check, JSON output) walking
    the 10⁹ values. Counting happens on nodes, before anything is built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded = 0  # values so far, aliases expanded
        self._depth = 0
        self._shape: dict[int, tuple[int, int]] = {}  # id(node): (values, height)

    def _refuse(self, reason: str, mark: Any) -> None:
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise _Refused(f"{reason}{where}")

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # The scanner reads ahead over every '[' that might start a key, checking each one
        # again at every token: 100,000 of them take a second before composing begins.
        if self.flow_level >= MAX_DEPTH:
            self._refuse(f"it nests deeper than {MAX_DEPTH} levels (MAX_DEPTH)", self.get_mark())
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:  # (PyYAML itself names an undefined alias)
                shape = self._shape.get(id(target))
                if shape is None:
                    self._refuse(
                        f"alias *{event.anchor} is used inside its own anchor", event.start_mark
                    )
                self._count(shape[0], event.start_mark)
                if self._depth + shape[1] > MAX_DEPTH:
                    self._refuse(
                        f"alias *{event.anchor} nests deeper than {MAX_DEPTH} levels (MAX_DEPTH)",
                        event.start_mark,
                    )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            self._refuse(
                f"it nests deeper than {MAX_DEPTH} levels (MAX_DEPTH)", self.peek_event().start_mark
            )
        self._count(1, self.peek_event().start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        children: list[Any] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        shapes = [self._shape[id(child)] for child in children]
        self._shape[id(node)] = (
            1 + sum(values for values, _ in shapes),
            1 + max((height for _, height in shapes), default=0),
        )
        return node

    def _count(self, values: int, mark: Any) -> None:
        self._expanded += values
        if self._expanded > MAX_NODES:
            self._refuse(
                f"its aliases expand to more than {MAX_NODES:,} values (MAX_NODES)"
                if values > 1
                else f"it holds more than {MAX_NODES:,} values (MAX_NODES)",
                mark,
            )


class _UniqueKeyLoader(_LimitedLoader):
    """The limited loader, refusing a mapping key given twice (PyYAML keeps the last
    silently): model files use it."""


def _mapping(loader: _LimitedLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ModelError(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _too_big(source: str) -> InputLimitError:
    return InputLimitError(
        f"{source} is refused: it is larger than {MAX_BYTES:,} bytes (MAX_BYTES); "
        "model files are a few kB"
    )


def read_text(path: str | Path, source: str) -> str:
    """The UTF-8 text of ``path``, reading no more than :data:`MAX_BYTES` + 1 bytes.

    :param source: what to call the file in the error, e.g. ``"model file 'shop.yaml'"``.
    :raises InputLimitError: if the file is larger than :data:`MAX_BYTES`.
    :raises OSError: if it cannot be read; :raises UnicodeDecodeError: if it is not UTF-8.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_big(source)
    return data.decode("utf-8")


def parse_yaml(text: str, source: str, *, unique_keys: bool = False) -> Any:
    """The document in YAML (or JSON) ``text``, built only if it is within the limits.

    :param source: what to call it in the error, e.g. ``"model file 'shop.yaml'"``.
    :param unique_keys: refuse a mapping key given twice (a :class:`ModelError` naming the
        line), as model files do.
    :raises InputLimitError: naming ``source`` and the limit it passes.
    :raises yaml.YAMLError: if it is not YAML.
    """
    if len(text) > MAX_BYTES:
        raise _too_big(source)
    loader = _UniqueKeyLoader if unique_keys else _LimitedLoader
    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader subclass
    except _Refused as exc:
        raise InputLimitError(f"{source} is refused: {exc}") from None
    except ValueError as exc:  # a date like 2026-13-45, an integer of 5,000 digits
        raise yaml.constructor.ConstructorError(None, None, str(exc)) from exc


def parse_json(text: str, source: str) -> Any:
    """The document in JSON ``text``, if it is within the limits.

    :param source: what to call it in the error.
    :raises InputLimitError: naming ``source`` and the limit it passes.
    :raises json.JSONDecodeError: if it is not JSON.
    """
    if len(text) > MAX_BYTES:
        raise _too_big(source)
    depth_error = InputLimitError(
        f"{source} is refused: it nests deeper than {MAX_DEPTH} levels (MAX_DEPTH)"
    )
    try:
        document = json.loads(text)
    except RecursionError:  # far deeper than MAX_DEPTH: json's parser gave up
        raise depth_error from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise InputLimitError(  # Python reads integers of up to 4,300 digits
            f"{source} is refused: a number in it has more than "
            f"{sys.get_int_max_str_digits():,} digits"
        ) from None
    values = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        values += 1
        if depth > MAX_DEPTH:
            raise depth_error
        if values > MAX_NODES:
            raise InputLimitError(
                f"{source} is refused: it holds more than {MAX_NODES:,} values (MAX_NODES)"
            )
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return document


def load_yaml(path: str | Path, source: str, *, unique_keys: bool = False) -> Any:
    """:func:`read_text` then :func:`parse_yaml`: the document in the YAML file ``path``."""
    return parse_yaml(read_text(path, source), source, unique_keys=unique_keys)
