"""Starter access patterns for an imported NoSQL Workbench model, whose files carry none."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def _literal_prefix(template: str) -> str:
    """The text before a template's first ``{field}``."""
    return template.split("{", 1)[0]


def _index_keys(entity: Mapping[str, Any], *names: str | None) -> dict[str, Any]:
    """The entity's key templates, plus ``{attr}`` for an index keyed on a plain attribute
    (``Operator``, not ``OP#...``), which is its own value."""
    keys = dict(entity.get("keys") or {})
    attributes = entity.get("attributes") or {}
    for attr in names:
        # Only a stored attribute: a field that lives inside a key is not on the item.
        stored = attr in attributes and (attributes[attr] or {}).get("stored", True)
        if attr and attr not in keys and stored:
            keys[attr] = "{" + attr + "}" if attr.isidentifier() else None
    return keys


def starter_patterns(
    table: Mapping[str, Any], entities: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Starter access patterns for an imported model, which NoSQL Workbench files lack: for each
    entity, a Query of its item collection on the table and on each index whose partition key
    it carries, narrowed by the literal prefix of its sort-key template; each with the first
    sample's values as its example, so ``workbench model run`` runs them all at once.
    """
    indexes = [("", table["partition_key"]["name"], (table.get("sort_key") or {}).get("name"))]
    for gsi in table.get("global_indexes") or []:
        sort = (gsi.get("sort_key") or {}).get("name")
        indexes.append((gsi["name"], gsi["partition_key"]["name"], sort))
    patterns: list[dict[str, Any]] = []
    for index, pk_name, sk_name in indexes:
        keyed = {name: _index_keys(entity, pk_name, sk_name) for name, entity in entities.items()}
        for name, entity in entities.items():
            keys = keyed[name]
            if not keys.get(pk_name):
                continue
            pk, sk = keys[pk_name], keys.get(sk_name) if sk_name else None
            prefix = _literal_prefix(sk) if sk else ""
            # Every entity this key condition can read, not only this one.
            returns = [
                other
                for other, other_keys in keyed.items()
                if other_keys.get(pk_name) == pk
                and (
                    not prefix or _literal_prefix(other_keys.get(sk_name) or "").startswith(prefix)
                )
            ]
            pattern: dict[str, Any] = {
                "name": f"{name}-by-{pk_name}" + (f"-on-{index}" if index else ""),
                "description": f"Starter: {name} items by {pk_name}"
                + (f" on {index}" if index else "")
                + " (made on import).",
                "operation": "Query",
                "partition_key": pk,
                "returns": returns,
            }
            if index:
                pattern["index"] = index
            if prefix:
                pattern["sort_key"] = {"op": "begins_with", "value": prefix}
            fields = re.findall(r"{(\w+)}", pk)
            # The first sample that carries the key (a sparse index's key is not on every item).
            samples = entity.get("samples") or []
            sample = next((x for x in samples if all(f in x for f in fields)), None)
            if sample is not None:
                pattern["example"] = {f: sample[f] for f in fields}
            patterns.append(pattern)
    return patterns
