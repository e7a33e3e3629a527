"""DynamoDB's attribute values written out by moto at the cost of a dictionary copy (issue 20).

moto builds each JSON answer by walking botocore's output shape, member by member, and picks
every member's value through a chain of alias lookups (the attribute's own name, its
snake_case form, prefixes of the shape's and the class's names). For DynamoDB that walk runs
for all ten members of every ``AttributeValue`` of every item answered: profiled in the
managed server, a Query of 20 seed messages spent about two thirds of its server time there.
An ``AttributeValue`` moto answers with is already a dictionary in DynamoDB's wire form
(``{"S": "..."}``, ``{"N": "..."}``; ``DynamoType.to_json``), so :func:`install` writes one out
directly, with the very conversions moto's own walk applies to each member (strings as
``str``, binaries base64-encoded, ``BOOL`` and ``NULL`` as they are), and hands ``M`` and
``L`` back to the walk (their values may still be moto's ``DynamoType`` objects). Anything
else, an object that is not such a dictionary or a serializer that is not DynamoDB's JSON one,
takes moto's own path unchanged. ``tests/test_motoserialize.py`` checks the result against
moto's own path for random attribute values.

Guarded like :mod:`workbench.engine.motoindex`, by the moto versions it was written for
(:data:`workbench.engine.motoindex.SUPPORTED`); outside them nothing is patched.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from .motopatch import MotoPatch, Patch, Wrapping

#: The services whose ``AttributeValue`` shape this module writes out.
_SERVICES = frozenset({"dynamodb", "dynamodbstreams"})
_SHAPE = "AttributeValue"
#: Members written as moto's string serializer writes them, as blobs, and as they are.
_STRINGS = frozenset({"S", "N"})
_STRING_LISTS = frozenset({"SS", "NS"})
_BLOBS = frozenset({"B"})
_BLOB_LISTS = frozenset({"BS"})
_AS_IS = frozenset({"BOOL", "NULL"})
_NESTED = frozenset({"M", "L"})
_MEMBERS = _STRINGS | _STRING_LISTS | _BLOBS | _BLOB_LISTS | _AS_IS | _NESTED


#: moto's JSON serializer class, set by :func:`install` (moto is imported only then).
_json_serializer: Any = None


def _patches() -> list[Patch]:
    global _json_serializer
    from moto.core.serialize import BaseJSONSerializer, JSONSerializer

    _json_serializer = JSONSerializer
    return [(BaseJSONSerializer, "_serialize_type_structure", Wrapping(_wrap))]


_patch = MotoPatch(_patches)
# install() -> bool (False outside the supported moto versions), uninstall() (moto's own path
# back, for tests) and installed().
install, uninstall, installed = _patch.install, _patch.uninstall, _patch.installed


def _string(value: Any) -> Any:
    """What moto's JSON string serializer writes for ``value`` (``_serialize_type_string``)."""
    if isinstance(value, Enum):
        value = value.value
    return str(value) if value not in [None, {}, []] else value


def _fast(serializer: Any, shape: Any) -> bool:
    """True for DynamoDB's JSON serializer writing an ``AttributeValue`` it can shortcut."""
    return (
        shape.name == _SHAPE
        and type(serializer) is _json_serializer
        and serializer.service_model.service_name in _SERVICES
        # moto's value picker may transform values on their way out; DynamoDB's has none.
        and not getattr(serializer._value_picker, "response_transformers", None)
        and set(shape.members) == _MEMBERS
    )


def _wrap(original: Any) -> Any:
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if not (type(value) is dict and value.keys() <= _MEMBERS and _fast(self, shape)):
            return original(self, serialized, value, shape, key)
        out: dict[str, Any] = {}
        # In the shape's member order, as moto's walk writes them.
        for member, member_shape in shape.members.items():
            item = value.get(member)
            if item is None:  # moto's walk skips a member whose value is None
                continue
            if member in _STRINGS:
                out[member] = _string(item)
            elif member in _BLOBS:
                out[member] = self._base64(item)
            elif member in _AS_IS:
                out[member] = item
            elif member in _STRING_LISTS:
                out[member] = [_string(v) for v in item]
            elif member in _BLOB_LISTS:
                out[member] = [self._base64(v) for v in item]
            else:  # M or L: moto's own walk (their values may be DynamoType objects)
                member_shape.parent = shape
                self._serialize(out, item, member_shape, member)
        if key:
            serialized[self.get_serialized_name(shape, key)] = out
        else:
            serialized.update(out)

    return serialize_structure
