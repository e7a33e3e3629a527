"""workbench.engine.motoserialize: attribute values written out as moto's own walk writes them.

Oracle: moto's own JSON serializer (the patch uninstalled). Random items, with every type of
attribute value, nested maps and lists, binaries given as bytes or strings, and moto's own
``DynamoType`` objects inside maps and lists, are answered as a Query, a GetItem, a
BatchGetItem and a stream record would be; the bodies must be the same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine import motoserialize

TEXT = st.text(max_size=6)
NUMBERS = st.integers(-(10**6), 10**6).map(str)
BINARIES = st.one_of(st.binary(max_size=6), TEXT)
SCALARS = st.one_of(
    st.builds(lambda v: {"S": v}, TEXT),
    st.builds(lambda v: {"N": v}, NUMBERS),
    st.builds(lambda v: {"B": v}, BINARIES),
    st.builds(lambda v: {"BOOL": v}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda v: {"SS": v}, st.lists(TEXT, min_size=1, max_size=3)),
    st.builds(lambda v: {"NS": v}, st.lists(NUMBERS, min_size=1, max_size=3)),
    st.builds(lambda v: {"BS": v}, st.lists(BINARIES, min_size=1, max_size=3)),
)


def _dynamo_type(value: dict[str, Any]) -> Any:
    from moto.dynamodb.models.dynamo_type import DynamoType

    return DynamoType(value)


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.builds(lambda v: {"M": v}, st.dictionaries(TEXT, inner, max_size=3)),
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=3)),
        # Inside maps and lists, moto's items may still hold its own DynamoType objects.
        st.builds(lambda v: {"M": {"x": _dynamo_type(v)}}, SCALARS),
        st.builds(lambda v: {"L": [_dynamo_type(v)]}, SCALARS),
    ),
    max_leaves=8,
)
ITEMS = st.lists(st.dictionaries(TEXT, VALUES, max_size=4), max_size=3)


def _bodies(operation: str, service: str, result: dict[str, Any]) -> tuple[str, str]:
    """The body moto's serializer writes for ``result``: patched, then moto's own."""
    from moto.core.responses import XFormedAttributePicker
    from moto.core.serialize import JSONSerializer
    from moto.core.utils import get_service_model

    model = get_service_model(service).operation_model(operation)

    def body() -> str:
        serializer = JSONSerializer(
            operation_model=model,
            pretty_print=False,
            value_picker=XFormedAttributePicker(response_transformers=None),
        )
        return serializer.serialize(result)["body"]

    assert motoserialize.install(), "moto is outside the versions the patch supports"
    patched = body()
    motoserialize.uninstall()
    return patched, body()


@pytest.fixture(autouse=True)
def _uninstalled() -> Iterator[None]:
    yield
    motoserialize.uninstall()


@settings(max_examples=150, deadline=None)
@given(ITEMS)
def test_query_answers_as_moto_writes_them(items: list[dict[str, Any]]) -> None:
    result = {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    if items:
        result["LastEvaluatedKey"] = items[-1]
    patched, own = _bodies("Query", "dynamodb", result)
    assert patched == own


@settings(max_examples=60, deadline=None)
@given(ITEMS)
def test_get_and_batch_get_answer_as_moto_writes_them(items: list[dict[str, Any]]) -> None:
    for operation, result in (
        ("GetItem", {"Item": items[0]} if items else {}),
        ("BatchGetItem", {"Responses": {"t": items}, "UnprocessedKeys": {}}),
    ):
        patched, own = _bodies(operation, "dynamodb", result)
        assert patched == own


@settings(max_examples=40, deadline=None)
@given(ITEMS)
def test_stream_records_answer_as_moto_writes_them(items: list[dict[str, Any]]) -> None:
    records = [
        {"eventName": "INSERT", "dynamodb": {"Keys": item, "NewImage": item}} for item in items
    ]
    patched, own = _bodies("GetRecords", "dynamodbstreams", {"Records": records})
    assert patched == own


def test_the_patch_takes_the_short_path() -> None:
    """The test above would pass with a patch that did nothing: this one would not."""
    from moto.core.serialize import BaseJSONSerializer

    calls = []
    original = BaseJSONSerializer._serialize_type_structure
    assert motoserialize.install()
    patched = BaseJSONSerializer._serialize_type_structure
    assert patched is not original

    def counting(self: Any, *args: Any) -> None:
        calls.append(args[2].name)
        return patched(self, *args)

    BaseJSONSerializer._serialize_type_structure = counting  # type: ignore[method-assign]
    try:
        _bodies("GetItem", "dynamodb", {"Item": {"a": {"M": {"b": {"S": "c"}}}}})
    finally:
        BaseJSONSerializer._serialize_type_structure = patched  # type: ignore[method-assign]
    # The item's value and the map's value: each written out once, no walk of their members.
    assert calls.count("AttributeValue") == 2
