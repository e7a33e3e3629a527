"""Item conversions: every DynamoDB type against boto3's serializer, and DynamoDB's refusals."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.errors import ValidationError, WorkbenchError
from workbench.model.items import (
    from_attr,
    from_item,
    jsonable,
    number_text,
    to_attr,
    to_item,
)

SERIALIZER = TypeSerializer()
DESERIALIZER = TypeDeserializer()

# Numbers DynamoDB stores: up to 38 significant digits, adjusted exponent -130..125.
decimals = st.builds(
    lambda sign, first, rest, exponent: Decimal((sign, (first, *rest), exponent - len(rest))),
    st.sampled_from((0, 1)),
    st.integers(1, 9),  # a leading zero would shift the magnitude out of range
    st.lists(st.integers(0, 9), max_size=37),
    st.integers(-130, 125),
)
integers = st.integers(-(10**38) + 1, 10**38 - 1)
numbers = integers | decimals
scalars = (
    st.text()
    | numbers
    | st.binary()
    | st.booleans()
    | st.none()
    | st.frozensets(st.text(), min_size=1)
    | st.frozensets(numbers, min_size=1)
    | st.frozensets(st.binary(), min_size=1)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


def canonical(value: Decimal) -> str:
    """DynamoDB's text of a number, worked out independently of the code under test."""
    if value == 0:
        return "0"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def same_typed(ours: dict[str, Any], oracle: dict[str, Any]) -> None:
    """Assert two attribute values hold the same DynamoDB value; ours in canonical text."""
    assert ours.keys() == oracle.keys()
    (kind,) = ours
    if kind == "N":
        assert ours["N"] == canonical(Decimal(oracle["N"]))
    elif kind == "NS":
        assert sorted(ours["NS"], key=Decimal) == ours["NS"]  # deterministic order
        assert set(ours["NS"]) == {canonical(Decimal(n)) for n in oracle["NS"]}
    elif kind in ("SS", "BS"):
        assert sorted(ours[kind]) == sorted(oracle[kind])
    elif kind == "M":
        assert ours["M"].keys() == oracle["M"].keys()
        for key in ours["M"]:
            same_typed(ours["M"][key], oracle["M"][key])
    elif kind == "L":
        assert len(ours["L"]) == len(oracle["L"])
        for mine, theirs in zip(ours["L"], oracle["L"], strict=True):
            same_typed(mine, theirs)
    else:
        assert ours == oracle


def plain(value: Any) -> Any:
    """boto3's read value with its wrappers (Binary) taken off; numbers compare by value."""
    if isinstance(value, Binary):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, set):
        return {plain(v) for v in value}
    return value


def no_floats_or_binary(value: Any) -> bool:
    """True if ``value`` holds the types our reader returns (int/Decimal, bytes, set)."""
    if isinstance(value, float | Binary):
        return False
    if isinstance(value, dict):
        return all(no_floats_or_binary(v) for v in value.values())
    if isinstance(value, list | set):
        return all(no_floats_or_binary(v) for v in value)
    return True


@given(values)
def test_write_matches_boto3_serializer(value: Any) -> None:
    same_typed(to_attr(value), SERIALIZER.serialize(value))


@given(values)
def test_read_matches_boto3_deserializer(value: Any) -> None:
    typed = SERIALIZER.serialize(value)
    ours = from_attr(typed)
    assert no_floats_or_binary(ours)
    assert ours == plain(DESERIALIZER.deserialize(typed))


@given(st.dictionaries(st.text(min_size=1), values, max_size=6))
def test_item_round_trip(item: dict[str, Any]) -> None:
    typed = to_item(item)
    back = from_item(typed)
    assert back == {k: set(v) if isinstance(v, frozenset) else v for k, v in item.items()}
    assert to_item(back) == typed  # what is sent is canonical: writing it again changes nothing


@given(numbers)
def test_numbers_read_back_as_int_when_whole_else_exact_decimal(number: int | Decimal) -> None:
    back = from_attr(to_attr(number))
    assert back == number
    assert isinstance(back, int) == (number == int(number))


@given(
    st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: f == 0 or 1e-130 <= abs(f) < 1e125
    )
)
def test_floats_go_through_repr_not_binary(number: float) -> None:
    assert Decimal(to_attr(number)["N"]) == Decimal(repr(number))


@pytest.mark.parametrize(
    ("given_text", "stored"),
    [
        ("00042", "42"),
        ("1.5E2", "150"),
        ("-0.0", "0"),
        ("0E+5", "0"),
        ("1.2300", "1.23"),
        ("+7", "7"),
        ("1e-5", "0.00001"),
        ("-12.50e1", "-125"),
        ("1E+125", "1" + "0" * 125),
    ],
)
def test_numbers_are_sent_as_dynamodb_stores_them(given_text: str, stored: str) -> None:
    assert number_text(given_text) == stored
    assert to_attr(Decimal(given_text)) == {"N": stored}
    assert from_attr({"N": given_text}) == from_attr({"N": stored})


def test_numbers_read_back_as_dynamodb_stores_them() -> None:
    assert from_attr({"N": "00042"}) == 42 and type(from_attr({"N": "00042"})) is int
    assert from_attr({"N": "1.5E2"}) == 150 and type(from_attr({"N": "1.5E2"})) is int
    assert from_attr({"N": "-0.0"}) == 0 and type(from_attr({"N": "-0.0"})) is int
    assert from_attr({"N": "0.1"}) == Decimal("0.1")


def test_non_integers_keep_38_significant_digits() -> None:
    exact = Decimal("1234567890.1234567890123456789012345678")  # 38 digits
    typed = to_attr(exact)
    assert typed == {"N": "1234567890.1234567890123456789012345678"}
    assert from_attr(typed) == exact and isinstance(from_attr(typed), Decimal)
    assert from_item(to_item({"x": exact}))["x"] == exact


def test_booleans_stay_bool_not_numbers() -> None:
    assert to_attr(True) == {"BOOL": True}
    assert to_item({"flag": False, "one": 1}) == {"flag": {"BOOL": False}, "one": {"N": "1"}}
    with pytest.raises(ValidationError, match="flags"):
        to_item({"flags": {True, False}})


def test_sets_of_every_kind_are_written() -> None:
    item = to_item(
        {"ss": {"b", "a"}, "ns": frozenset({3, Decimal("0.5"), 2.25}), "bs": {b"y", b"x"}}
    )
    assert item == {
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["0.5", "2.25", "3"]},
        "bs": {"BS": [b"x", b"y"]},
    }


def error_of(value: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        to_item(value)
    error = caught.value
    assert isinstance(error, WorkbenchError)
    assert "\n" not in str(error)  # one line for the CLI
    return error


@pytest.mark.parametrize("empty", [set(), frozenset()])
def test_empty_sets_are_refused_naming_the_path(empty: set[Any]) -> None:
    error = error_of({"pk": "a", "profile": {"links": [1, empty]}})
    assert error.codes == ["empty_set"]
    assert "profile.links[1]" in str(error) and "empty" in str(error)


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("-Infinity")]
)
def test_nan_and_infinity_are_refused(bad: float | Decimal) -> None:
    error = error_of({"score": bad})
    assert error.codes == ["number_not_finite"]
    assert str(error).startswith("invalid input: score: ")


@pytest.mark.parametrize(
    "bad",
    [
        10**38 + 1,
        Decimal("1.00000000000000000000000000000000000001"),
        "123456789012345678901234567890123456789",
    ],
)
def test_more_than_38_significant_digits_are_refused(bad: Any) -> None:
    with pytest.raises(
        ValidationError, match="Attempting to store more than 38 significant digits in a Number"
    ):
        to_attr(bad) if not isinstance(bad, str) else number_text(bad, "n")
    # trailing zeros are not significant: 1 followed by 50 zeros is one digit
    assert number_text(10**50) == "1" + "0" * 50


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (Decimal("1E+126"), "number_overflow"),
        (10**126, "number_overflow"),
        pytest.param(10**5000, "number_overflow", id="int-of-5001-digits"),
        (1e300, "number_overflow"),
        (Decimal("1E-131"), "number_underflow"),
        (1e-200, "number_underflow"),
    ],
)
def test_magnitudes_outside_dynamodb_range_are_refused(bad: Any, code: str) -> None:
    assert error_of({"n": bad}).codes == [code]


@pytest.mark.parametrize("bad", ["NaN", " 1", "1_000", "", "1e", "0x10", "Infinity", True])
def test_number_text_refuses_what_is_not_a_number(bad: str | bool) -> None:
    with pytest.raises(ValidationError, match="number_invalid"):
        number_text(bad, "n")


def test_non_string_map_keys_are_refused_not_stringified() -> None:
    error = error_of({"m": {"ok": 1, 2: "two", "inner": {(1, 2): "x"}}})
    assert error.codes == ["map_key_not_string", "map_key_not_string"]
    assert "m.2" in str(error) and "m.inner" in str(error) and "int" in str(error)


def test_every_problem_is_reported_at_once() -> None:
    error = error_of(
        {"a": set(), "b": float("nan"), "c": {1, "x"}, "d": object(), "e": {0.1, Decimal("0.1")}}
    )
    assert error.codes == [
        "empty_set",
        "number_not_finite",
        "set_mixed",
        "type_unsupported",
        "set_duplicates",
    ]
    assert [path for path, _, _ in error.problems] == ["a", "b", "c", "d", "e"]


def test_unknown_attribute_value_is_refused_on_read() -> None:
    with pytest.raises(WorkbenchError, match="unknown DynamoDB attribute value"):
        from_attr({"X": 1})


def test_jsonable_turns_sets_bytes_and_decimals_into_json() -> None:
    item = {
        "ss": {"b", "a"},
        "ns": {3, Decimal("0.5")},
        "bs": {b"\x01", b"\x00"},
        "b": b"hi",
        "half": Decimal("0.5"),
        "whole": Decimal("150"),
        "exact": Decimal("0.1000000000000000000000000001"),
        "nested": [{"t": (b"x",)}],
    }
    out = jsonable(item)
    assert json.loads(json.dumps(out)) == {
        "ss": ["a", "b"],
        "ns": [0.5, 3],
        "bs": [base64.b64encode(b"\x00").decode(), base64.b64encode(b"\x01").decode()],
        "b": "aGk=",
        "half": 0.5,
        "whole": 150,
        "exact": "0.1000000000000000000000000001",
        "nested": [{"t": ["eA=="]}],
    }
    assert isinstance(out["whole"], int)


@pytest.mark.server
def test_every_type_survives_the_server_and_scan_json_prints_json(
    ddb_local, local_engine, table_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.engine.tables import schema_load

    schema_load(local_engine, table_name)
    item = {
        "pk": "X#1",
        "sk": "s",
        "n": Decimal("1234567890.1234567890123456789012345678"),
        "lead": Decimal("00042"),
        "ss": {"b", "a"},
        "ns": {1, Decimal("2.5")},
        "bs": {b"\x00", b"\xff"},
        "b": b"hi",
        "m": {"l": [True, None, "x"]},
    }
    client = local_engine.client("dynamodb")
    client.put_item(TableName=table_name, Item=to_item(item))
    stored = client.get_item(TableName=table_name, Key=to_item({"pk": "X#1", "sk": "s"}))["Item"]
    assert stored["lead"] == {"N": "42"} and stored["n"] == to_attr(item["n"])
    assert from_item(stored) == item

    monkeypatch.setenv("WORKBENCH_ENDPOINT", ddb_local.endpoint)
    result = CliRunner().invoke(cli, ["ddb", "scan", "--json", "--table", table_name])
    assert result.exit_code == 0, result.output
    (printed,) = json.loads(result.stdout)["items"]
    assert printed == {
        "pk": "X#1",
        "sk": "s",
        "n": "1234567890.1234567890123456789012345678",
        "lead": 42,
        "ss": ["a", "b"],
        "ns": [1, 2.5],
        "bs": ["AA==", "/w=="],
        "b": "aGk=",
        "m": {"l": [True, None, "x"]},
    }
