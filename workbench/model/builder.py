"""The one request builder: an access pattern and its parameters become the exact boto3 call.

Every model's patterns, Cruddur's included, are built here, so a dry run shows exactly what
is sent. The reads are built in this module; each write's body in :mod:`.writes`, from the
template and placeholder pieces of :mod:`.expressions`. Pure: no boto3, no network (the
stream Lambda ships it).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import constants as C
from ..errors import ModelError
from .entities import Entity
from .expressions import Names, Renderer, template_fields, value_placeholder
from .items import to_attr, to_item
from .patterns import AccessPattern, Action
from .requests import Request, decode_cursor, query
from .writes import action_body

if TYPE_CHECKING:
    from .core import Model

# template_fields moved to .expressions; the report's parameters still import it from here.
__all__ = ["PAGING", "READS", "RequestBuilder", "template_fields"]

READS = ("Query", "Scan")
PAGING = ("limit", "cursor")


def _add_fields(names: list[str], *templates: Any) -> None:
    """Append the fields of ``templates`` to ``names``, each once, in order."""
    for template in templates:
        names.extend(n for n in template_fields(template) if n not in names)


def _read_fields(pattern: AccessPattern) -> list[str]:
    """The fields of ``pattern``'s key condition and filter values, each once, in order."""
    names: list[str] = []
    _add_fields(names, pattern.partition_key)
    _add_fields(names, *(pattern.sort_key.templates if pattern.sort_key else ()))
    if pattern.filter:
        _add_fields(names, *pattern.filter.values.values())
    return names


class RequestBuilder:
    """Builds the exact :class:`Request` of any access pattern of ``model``.

    :param model: the model whose table, entities and patterns it builds.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        self._renderer = Renderer(model.entities)

    # -- parameters ----------------------------------------------------------------------

    def parameters(self, pattern: AccessPattern | str) -> list[str]:
        """The parameter names ``pattern`` takes (``limit`` and ``cursor`` for reads)."""
        pattern = self._pattern(pattern)
        names = _read_fields(pattern)
        add = functools.partial(_add_fields, names)
        for action in pattern.actions:
            entity = self.model.entity(action.entity)
            needed = entity.fields if action.kind == "Put" else self._key_fields(entity)
            for name in needed:
                if name in action.fields:
                    add(action.fields[name])
                elif name not in names:
                    names.append(name)
            add(*action.set.values(), *action.condition_values.values())
        if not pattern.partition_key and pattern.operation == "GetItem":
            entity = self.model.entity(pattern.entity)
            names.extend(n for n in self._key_fields(entity) if n not in names)
        if pattern.operation in READS:
            names.extend(PAGING)
        return names

    def required(self, pattern: AccessPattern | str) -> list[str]:
        """The parameters ``pattern`` cannot be built without: the fields of every template
        it renders (key condition, filter values, and each write's key, fields, ``set`` and
        condition values); a write's other entity fields are optional."""
        pattern = self._pattern(pattern)
        names = _read_fields(pattern)
        add = functools.partial(_add_fields, names)
        keyed = list(pattern.actions)
        if not pattern.partition_key and pattern.operation == "GetItem":
            keyed.append(Action("Get", pattern.entity))
        for action in keyed:
            entity = self.model.entity(action.entity)
            templates = entity.all_keys if action.kind == "Put" else entity.keys
            for name in self._template_fields(templates.values()):
                if name in action.fields:
                    add(action.fields[name])
                elif name not in names:
                    names.append(name)
            add(*(t for n, t in action.fields.items() if n in entity.fields))
            add(*action.set.values(), *action.condition_values.values())
        return names

    @staticmethod
    def _template_fields(templates: Any) -> list[str]:
        out: list[str] = []
        for tpl in templates:
            out.extend(n for n in tpl.fields if n not in out)
        return out

    @staticmethod
    def _key_fields(entity: Entity) -> list[str]:
        out: list[str] = []
        for tpl in entity.keys.values():
            out.extend(n for n in tpl.fields if n not in out)
        return out

    def _pattern(self, pattern: AccessPattern | str) -> AccessPattern:
        return pattern if isinstance(pattern, AccessPattern) else self.model.pattern(pattern)

    # -- building ------------------------------------------------------------------------

    def build(
        self, pattern: AccessPattern | str, table_name: str | None = None, **params: Any
    ) -> Request:
        """The exact request of ``pattern`` for ``params`` (nothing is sent).

        :param pattern: the pattern, or its name or letter.
        :param table_name: the table to address (default: the model's table name).
        :param params: the pattern's parameters (see :meth:`parameters`).
        :raises ModelError: naming an unknown pattern, an unknown parameter or a missing one.
        """
        pattern = self._pattern(pattern)
        table_name = table_name or self.model.table.name
        allowed = self.parameters(pattern)
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            raise ModelError(
                f"access pattern {pattern.name!r} takes parameters {allowed}; unknown: {unknown}"
            )
        missing = [n for n in self.required(pattern) if params.get(n) in (None, "")]
        if missing:
            raise ModelError(_missing_message(pattern.name, missing, allowed))
        values = {k: v for k, v in params.items() if k not in PAGING}
        operation = pattern.operation
        if operation == "Query":
            return self._query(pattern, table_name, values, params)
        if operation == "Scan":
            return self._scan(pattern, table_name, values, params)
        if operation == "GetItem":
            return self._get(pattern, table_name, values)
        if operation == "BatchGetItem":
            return self._batch_get(pattern, table_name, values)
        bodies = [
            action_body(
                self.model.entity(action.entity), action, table_name, values, self._renderer
            )
            for action in pattern.actions
        ]
        if operation == "TransactWriteItems":
            return Request(
                operation,
                {
                    C.TRANSACT_ITEMS: [{kind: body} for kind, body in bodies],
                    C.RETURN_CONSUMED_CAPACITY: C.TOTAL,
                },
            )
        (_kind, body), *_ = bodies
        body[C.RETURN_CONSUMED_CAPACITY] = C.TOTAL
        return Request(operation, body)

    def _key_condition(
        self, pattern: AccessPattern, params: Mapping[str, Any], names: Names
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """``(expression, :values, key)`` of a Query's or GetItem's key condition."""
        hash_attr, range_attr = self.model.table.index_key_names(pattern.index)
        types = self.model.table.attributes
        pk_attr = pattern.partition_attribute or hash_attr
        pk = self._renderer.render(pattern.partition_key, params, types.get(pk_attr))
        expression = f"{names(pk_attr)} = {value_placeholder(pk_attr)}"
        values: dict[str, Any] = {value_placeholder(pk_attr): pk}
        key = {pk_attr: pk}
        condition = pattern.sort_key
        if condition is not None:
            attr = condition.attribute or range_attr or ""
            kind = types.get(attr)
            rendered = [self._renderer.render(t, params, kind) for t in condition.templates]
            name = names(attr)
            # Keys named alike but for their punctuation (key-1, key.1) get two placeholders.
            suffix = "_sk" if value_placeholder(attr) == value_placeholder(pk_attr) else ""
            placeholder = value_placeholder(attr, suffix)
            if condition.op == "between":
                low = value_placeholder(attr, suffix + "_low")
                high = value_placeholder(attr, suffix + "_high")
                expression += f" AND {name} BETWEEN {low} AND {high}"
                values.update({low: rendered[0], high: rendered[1]})
            elif condition.op == "begins_with":
                expression += f" AND begins_with({name}, {placeholder})"
                values[placeholder] = rendered[0]
            else:
                expression += f" AND {name} {condition.op} {placeholder}"
                values[placeholder] = rendered[0]
            key[attr] = rendered[0]
        return expression, values, key

    def _read_options(self, pattern: AccessPattern, request: dict[str, Any], names: Names) -> None:
        if pattern.consistent_read:
            request[C.CONSISTENT_READ] = True
        if pattern.projection:
            request[C.PROJECTION_EXPRESSION] = ", ".join(names(a) for a in pattern.projection)

    def _filter(
        self, pattern: AccessPattern, params: Mapping[str, Any], names: Names
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(request members, :values)`` of the pattern's filter."""
        if pattern.filter is None:
            return {}, {}
        names.names.update(pattern.filter.names)
        values = {k: self._renderer.render(v, params) for k, v in pattern.filter.values.items()}
        return {C.FILTER_EXPRESSION: pattern.filter.expression}, values

    def _start_key(self, pattern: AccessPattern, cursor: str | None, partition: dict) -> Any:
        if not cursor:
            return None
        keys = list(self.model.table.key_names)
        if pattern.index:
            keys += [k for k in self.model.table.index_key_names(pattern.index) if k]
        text = {k: v for k, v in partition.items() if isinstance(v, str)}
        return decode_cursor(cursor, keys=tuple(dict.fromkeys(keys)), partition=text)

    def _query(
        self,
        pattern: AccessPattern,
        table_name: str,
        values: Mapping[str, Any],
        params: Mapping[str, Any],
    ) -> Request:
        names = Names()
        expression, key_values, key = self._key_condition(pattern, values, names)
        filter_members, filter_values = self._filter(pattern, values, names)
        partition = {next(iter(key)): next(iter(key.values()))}
        request = query(
            table_name,
            key_condition=expression,
            values={**key_values, **filter_values},
            index=pattern.index,
            forward=pattern.forward,
            limit=params.get("limit", pattern.limit),
            start_key=self._start_key(pattern, params.get("cursor"), partition),
        )
        extra: dict[str, Any] = dict(filter_members)
        self._read_options(pattern, extra, names)
        if names.names:
            extra[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names.names)
        request.params.update(extra)
        return request

    def _scan(
        self,
        pattern: AccessPattern,
        table_name: str,
        values: Mapping[str, Any],
        params: Mapping[str, Any],
    ) -> Request:
        names = Names()
        request: dict[str, Any] = {C.TABLE_NAME: table_name}
        if pattern.index:
            request[C.INDEX_NAME] = pattern.index
        filter_members, filter_values = self._filter(pattern, values, names)
        request.update(filter_members)
        if filter_values:
            request[C.EXPRESSION_ATTRIBUTE_VALUES] = {
                k: to_attr(v) for k, v in filter_values.items()
            }
        limit = params.get("limit", pattern.limit)
        if limit is not None:
            request[C.LIMIT] = limit
        start = self._start_key(pattern, params.get("cursor"), {})
        if start:
            request[C.EXCLUSIVE_START_KEY] = start
        self._read_options(pattern, request, names)
        if names.names:
            request[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names.names)
        request[C.RETURN_CONSUMED_CAPACITY] = C.TOTAL
        return Request("Scan", request)

    def _get(self, pattern: AccessPattern, table_name: str, values: Mapping[str, Any]) -> Request:
        names = Names()
        if pattern.partition_key:
            # The key is sent as is: a GetItem's ExpressionAttributeNames serve its
            # ProjectionExpression only (GetItem API reference); the key's placeholders
            # (GSI1-PK) would be refused as unused, or with no expression at all.
            _expression, _values, key = self._key_condition(pattern, values, Names())
        else:
            entity = self.model.entity(pattern.entity)
            key = entity.key(**self._renderer.entity_values(entity, {}, values))
        request: dict[str, Any] = {C.TABLE_NAME: table_name, C.KEY: to_item(key)}
        self._read_options(pattern, request, names)
        if names.names:
            request[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names.names)
        request[C.RETURN_CONSUMED_CAPACITY] = C.TOTAL
        return Request("GetItem", request)

    def _batch_get(
        self, pattern: AccessPattern, table_name: str, values: Mapping[str, Any]
    ) -> Request:
        (action,) = pattern.actions
        entity = self.model.entity(action.entity)
        lists = {k: v for k, v in values.items() if isinstance(v, list | tuple)}
        sizes = {len(v) for v in lists.values()}
        if len(sizes) > 1:
            raise ModelError(
                f"access pattern {pattern.name!r}: list parameters must have one length; got "
                + ", ".join(f"{k}: {len(v)}" for k, v in lists.items())
            )
        count = sizes.pop() if sizes else 1
        keys = []
        for n in range(count):
            one = {k: (v[n] if k in lists else v) for k, v in values.items()}
            fields = self._renderer.entity_values(entity, action.fields, one)
            keys.append(to_item(entity.key(**fields)))
        names = Names()
        member: dict[str, Any] = {C.KEYS: keys}
        self._read_options(pattern, member, names)
        if names.names:
            member[C.EXPRESSION_ATTRIBUTE_NAMES] = dict(names.names)
        return Request(
            "BatchGetItem",
            {C.REQUEST_ITEMS: {table_name: member}, C.RETURN_CONSUMED_CAPACITY: C.TOTAL},
        )


def _missing_message(pattern: str, missing: list[str], parameters: list[str]) -> str:
    """One line: the pattern, the parameters it lacks, how to give them, and all it takes."""
    plural = "s" if len(missing) > 1 else ""
    given = ", ".join(f"{n}=VALUE" for n in missing)
    flags = " ".join(f"--param {n}=VALUE" for n in missing)
    return (
        f"access pattern {pattern!r} needs parameter{plural} {', '.join(map(repr, missing))}: "
        f"give {given} ({flags} on the command line); its parameters: {parameters}"
    )
