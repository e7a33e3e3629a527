"""A whole model's checks: every problem (a refusal) and warning, each with its path."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .entities import Entity, KeyTemplate
from .overlap import prefix_overlap, templates_overlap
from .patterns import AccessPattern
from .problems import Problem

if TYPE_CHECKING:
    from .core import Model

FILTER_KEEPS_MOST = 0.5


def _template_for(entity: Entity, attribute: str) -> str | None:
    """The template ``entity`` writes ``attribute`` with (``{attr}`` for a plain field)."""
    if attribute in entity.all_keys:
        return entity.all_keys[attribute].template
    if attribute in entity.attributes:  # stored as is (key fields are not stored)
        return "{" + attribute + "}"
    return None


def _told_apart(first: Entity, second: Entity, key_names: tuple[str, ...]) -> bool:
    if first.type_attribute and second.type_attribute:
        if first.type_attribute[0] == second.type_attribute[0]:
            if first.type_attribute[1] != second.type_attribute[1]:
                return True
    for attr in key_names:
        a, b = first.keys.get(attr), second.keys.get(attr)
        if a and b and not templates_overlap(a.template, b.template):
            return True
    return False


def entity_problems(model: Model) -> list[Problem]:
    """Problems of the entities as a set: names, keys against the table, telling apart."""
    table = model.table
    problems: list[Problem] = []
    names = [e.name for e in model.entities]
    problems += [
        (f"entities.{n}", f"two entities are named {n!r}")
        for n in sorted(set(names))
        if names.count(n) > 1
    ]
    index_attrs = {k for i in table.indexes for k in i.key_names}
    index_attrs |= {i.range_key for i in table.local_indexes}
    for entity in model.entities:
        where = f"entities.{entity.name}"
        if tuple(entity.keys) != table.key_names:
            problems.append(
                (
                    f"{where}.keys",
                    f"entity {entity.name!r} has key templates for {list(entity.keys)}, but "
                    f"the table's keys are {list(table.key_names)}",
                )
            )
        for attr in entity.index_keys:
            if attr not in index_attrs:
                problems.append(
                    (
                        f"{where}.keys.{attr}",
                        f"{attr!r} is not a key of the table or any index; index keys: "
                        f"{sorted(index_attrs)}",
                    )
                )
        for attr, tpl in entity.all_keys.items():
            if table.attributes.get(attr) in ("N", "B") and tpl.template != "{%s}" % (
                tpl.fields[0] if len(tpl.fields) == 1 else ""
            ):
                problems.append(
                    (
                        f"{where}.keys.{attr}",
                        f"template {tpl.template!r} makes text, but {attr!r} is a "
                        f"{table.attributes[attr]} key: use one whole field like '{{id}}'",
                    )
                )
        for spec in entity.attribute_specs:
            ref = spec.generate.get("ref") if isinstance(spec.generate, dict) else None
            if ref is not None:
                parent, _, field = str(ref).partition(".")
                found = [e for e in model.entities if e.name == parent]
                if not found or field not in found[0].fields:
                    problems.append(
                        (
                            f"{where}.attributes.{spec.name}.generate",
                            f"ref {ref!r} names no field of a declared entity (write Entity.field)",
                        )
                    )
    for n, first in enumerate(model.entities):
        for second in model.entities[n + 1 :]:
            if not _told_apart(first, second, table.key_names):
                templates = ", ".join(
                    f"{a} {first.keys[a].template!r}/{second.keys[a].template!r}"
                    for a in table.key_names
                    if a in first.keys and a in second.keys
                )
                problems.append(
                    (
                        f"entities.{second.name}.keys",
                        f"its items cannot be told apart from {first.name}'s ({templates}): "
                        "give one a different sort-key prefix or a type_attribute value",
                    )
                )
    for index in table.indexes:
        for key in index.key_names:
            if not any(_template_for(e, key) for e in model.entities):
                problems.append(
                    (
                        f"table.global_indexes.{index.name}",
                        f"GSI {index.name!r} key {key!r} is carried by no entity, so the index "
                        "would stay empty",
                    )
                )
    for lsi in table.local_indexes:
        if not any(_template_for(e, lsi.range_key) for e in model.entities):
            problems.append(
                (
                    f"table.local_indexes.{lsi.name}",
                    f"LSI {lsi.name!r} key {lsi.range_key!r} is carried by no entity",
                )
            )
    return problems


def _readable(model: Model, pattern: AccessPattern) -> list[str]:
    """The entities whose items a Query's key condition can read."""
    hash_attr, range_attr = model.table.index_key_names(pattern.index)
    pk_attr = pattern.partition_attribute or hash_attr
    found = []
    for entity in model.entities:
        pk = _template_for(entity, pk_attr)
        if pk is None or not templates_overlap(pk, pattern.partition_key or "{any}"):
            continue
        condition = pattern.sort_key
        if condition is not None:
            sk = _template_for(entity, condition.attribute or range_attr or "")
            if sk is None:
                continue  # a sparse index: items without the sort key are not in it
            value = condition.templates[0]
            if condition.op == "=" and not templates_overlap(sk, value):
                continue
            if condition.op == "begins_with" and not prefix_overlap(sk, value):
                continue
            if condition.op == "between":
                # Every string between two bounds that share literal text starts with it too.
                low, high = (t.split("{", 1)[0] for t in condition.templates[:2])
                shared = os.path.commonprefix([low, high])
                if shared and not prefix_overlap(sk, shared):
                    continue
        elif range_attr and _template_for(entity, range_attr) is None:
            continue
        found.append(entity.name)
    return found


def _key_condition_problems(model: Model, pattern: AccessPattern) -> list[Problem]:
    table = model.table
    where = f"patterns.{pattern.name}"
    problems: list[Problem] = []
    index_label = f"index {pattern.index!r}" if pattern.index else "the table"
    hash_attr, range_attr = table.index_key_names(pattern.index)
    if not pattern.partition_key:
        problems.append((f"{where}.partition_key", f"a {pattern.operation} needs one"))
        return problems
    if pattern.partition_attribute and pattern.partition_attribute != hash_attr:
        problems.append(
            (
                f"{where}.partition_key",
                f"condition on {pattern.partition_attribute!r}, which is not the partition key "
                f"of {index_label} ({hash_attr!r})",
            )
        )
    try:
        KeyTemplate(pattern.partition_key)
    except Exception as exc:  # a ModelError naming the template
        problems.append((f"{where}.partition_key", str(exc)))
    condition = pattern.sort_key
    if pattern.operation == "GetItem":
        if pattern.index:
            problems.append((f"{where}.index", "GetItem reads the table, not an index"))
        if range_attr and (condition is None or condition.op != "="):
            problems.append(
                (f"{where}.sort_key", f"GetItem needs the whole key: {range_attr!r} = ...")
            )
    if condition is None:
        return problems
    if range_attr is None:
        problems.append(
            (f"{where}.sort_key", f"a sort-key condition on {index_label}, which has no sort key")
        )
        return problems
    if condition.attribute and condition.attribute != range_attr:
        problems.append(
            (
                f"{where}.sort_key",
                f"condition on {condition.attribute!r}, which is not the sort key of "
                f"{index_label} ({range_attr!r})",
            )
        )
    if condition.op == "begins_with" and table.attributes.get(range_attr) == "N":
        problems.append((f"{where}.sort_key", f"begins_with on {range_attr!r}, a number (N) key"))
    wanted = 2 if condition.op == "between" else 1
    if len(condition.templates) != wanted:
        problems.append(
            (
                f"{where}.sort_key",
                f"{condition.op} takes {wanted} value(s), got {list(condition.templates)}",
            )
        )
    return problems


def follows_problems(model: Model) -> list[Problem]:
    """Every ``follows`` names another pattern of the model, one that follows none itself
    (one level: its cost is added to the pattern's, so a chain or a loop would count twice)."""
    names = [p.name for p in model.patterns]
    by_name = {p.name: p for p in model.patterns}
    problems: list[Problem] = []
    for pattern in model.patterns:
        for n, follow in enumerate(pattern.follows):
            where = f"patterns.{pattern.name}.follows[{n}]"
            followed = by_name.get(follow.pattern)
            if followed is None:
                problems.append(
                    (
                        where,
                        f"access pattern {pattern.name!r} follows unknown pattern "
                        f"{follow.pattern!r}; known: {names}",
                    )
                )
            elif followed is pattern:
                problems.append((where, f"access pattern {pattern.name!r} follows itself"))
            elif followed.follows:
                problems.append(
                    (
                        where,
                        f"access pattern {pattern.name!r} follows {follow.pattern!r}, which "
                        "follows patterns itself: only one level is allowed",
                    )
                )
    return problems


def pattern_problems(model: Model) -> tuple[list[Problem], list[Problem]]:
    """``(problems, warnings)`` of every access pattern."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    entity_names = [e.name for e in model.entities]
    index_names = list(model.table.all_index_names)
    for label, values in (
        ("letter", [p.letter for p in model.patterns if p.letter]),
        ("name", [p.name for p in model.patterns]),
    ):
        problems += [
            (f"patterns.{v}", f"two access patterns have the {label} {v!r}")
            for v in sorted(set(values))
            if values.count(v) > 1
        ]
    problems += follows_problems(model)
    for pattern in model.patterns:
        where = f"patterns.{pattern.name}"
        if pattern.entity not in entity_names:
            problems.append(
                (
                    f"{where}.entity",
                    f"access pattern {pattern.name!r} names entity {pattern.entity!r}; "
                    f"known: {entity_names}",
                )
            )
        for name in pattern.returns:
            if name not in entity_names:
                problems.append(
                    (f"{where}.returns", f"names entity {name!r}; known: {entity_names}")
                )
        if pattern.index is not None and pattern.index not in index_names:
            problems.append(
                (
                    f"{where}.index",
                    f"access pattern {pattern.name!r} uses index {pattern.index!r}; "
                    f"known: {index_names}",
                )
            )
            continue
        for n, action in enumerate(pattern.actions):
            if action.entity not in entity_names:
                problems.append(
                    (
                        f"{where}.actions[{n}]",
                        f"names entity {action.entity!r}; known: {entity_names}",
                    )
                )
                continue
            entity = model.entity(action.entity)
            for field in list(action.fields) + list(action.set) + list(action.remove):
                if field not in entity.fields:
                    problems.append(
                        (
                            f"{where}.actions[{n}].{field}",
                            f"{field!r} is not a field of {entity.name}; fields: "
                            f"{list(entity.fields)}",
                        )
                    )
        if pattern.consistent_read and pattern.index in [i.name for i in model.table.indexes]:
            problems.append(
                (f"{where}.consistent_read", "a GSI cannot be read with strong consistency")
            )
        declared = pattern.partition_key is not None or pattern.build is None
        if pattern.operation in ("Query", "GetItem") and declared:
            found = _key_condition_problems(model, pattern)
            problems += found
            if not found and pattern.operation == "Query":
                readable = _readable(model, pattern)
                for name in pattern.returns:
                    if name in entity_names and name not in readable:
                        problems.append(
                            (
                                f"{where}.returns",
                                f"its key condition reads no {name} items (it can read "
                                f"{readable or 'none'})",
                            )
                        )
                extra = [n for n in readable if pattern.returns and n not in pattern.returns]
                if extra:
                    verb = "its filter must drop" if pattern.filter else "it also reads"
                    warnings.append(
                        (
                            where,
                            f"{verb} {extra} items, which it does not return: read capacity "
                            "pays for them",
                        )
                    )
        if pattern.operation == "Scan":
            warnings.append(
                (where, "needs a Scan: it reads every item of the table or index, every time")
            )
        keeps = pattern.filter.keeps if pattern.filter else None
        if keeps is not None and keeps < FILTER_KEEPS_MOST:
            warnings.append(
                (
                    f"{where}.filter",
                    f"the filter keeps about {keeps:.0%} of what it reads: the rest is read "
                    "and paid for, then dropped; a key or an index would serve it better",
                )
            )
        returned = [model.entity(n) for n in pattern.returns if n in entity_names]
        known = set(model.table.key_names) | {k for e in returned for k in e.all_keys}
        known |= {f for e in returned for f in e.fields}
        known |= {e.type_attribute[0] for e in returned if e.type_attribute}
        for attr in pattern.projection:
            if returned and attr not in known:
                problems.append(
                    (
                        f"{where}.projection",
                        f"{attr!r} is no attribute of {[e.name for e in returned]}",
                    )
                )
    return problems, warnings
