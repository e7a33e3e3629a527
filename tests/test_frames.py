"""Items as DataFrames: key columns first, entity column, no Decimal, aggregate and GSI views."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from boto3.dynamodb.types import TypeSerializer

from workbench.desk.frames import (
    aggregate_view,
    entity_chart,
    entity_view,
    gsi_view,
    pattern_chart,
    to_frame,
)
from workbench.model import Entity, Model
from workbench.model.cruddur import group_item, message_item
from workbench.model.items import from_item, to_item
from workbench.model.table import TableSpec

ME = {"uuid": "u-me", "display_name": "Me", "handle": "me"}
YOU = {"uuid": "u-you", "display_name": "You", "handle": "you"}


def sample_items() -> list[dict]:
    return [
        message_item("g-1", "2026-01-01T00:00:02.000000+00:00", "m-2", "second", YOU),
        group_item(ME, YOU, "g-1", "2026-01-01T00:00:02.000000+00:00", "second"),
        message_item("g-1", "2026-01-01T00:00:01.000000+00:00", "m-1", "first", ME),
        group_item(YOU, ME, "g-1", "2026-01-01T00:00:02.000000+00:00", "second"),
    ]


def test_columns_keys_first_then_entity_then_gsi_then_attributes() -> None:
    frame = to_frame(sample_items())
    assert list(frame.columns) == [
        "pk",
        "sk",
        "entity",
        "message_group_uuid",
        "message",
        "user_uuid",
        "user_display_name",
        "user_handle",
        "message_uuid",
    ]
    assert list(frame["entity"]) == ["Message", "MessageGroup", "Message", "MessageGroup"]
    # A message has no message_group_uuid attribute: the cell is missing, not invented.
    assert pd.isna(frame.loc[0, "message_group_uuid"])


def test_typed_items_give_the_same_frame_without_decimal() -> None:
    serializer = TypeSerializer()
    plain = sample_items() + [
        {"pk": "X#1", "sk": "s", "count": 3, "ratio": 0.5, "flag": True, "tags": {"a"}}
    ]
    typed = [to_item(item) for item in plain]
    assert typed[-1]["ratio"] == serializer.serialize(Decimal("0.5"))
    from_typed = to_frame(typed)
    pd.testing.assert_frame_equal(from_typed, to_frame(plain))
    row = from_typed.iloc[-1]
    assert row["count"] == 3 and row["ratio"] == 0.5 and row["flag"] is True
    assert not any(isinstance(v, Decimal) for v in from_typed.to_numpy().ravel())
    assert pd.isna(row["entity"])  # unknown prefix


def test_item_conversion_round_trip() -> None:
    item = {"pk": "a", "n": 1, "f": 1.5, "b": False, "none": None, "m": {"x": [1, "y"]}}
    assert from_item(to_item(item)) == item


def test_aggregate_view_groups_item_collections() -> None:
    view = aggregate_view(sample_items())
    assert view.index.names == ["pk", "sk"]
    assert list(view.index.get_level_values("pk")) == [
        "GRP#u-me",
        "GRP#u-you",
        "MSG#g-1",
        "MSG#g-1",
    ]
    assert list(view.loc["MSG#g-1"]["message"]) == ["first", "second"]


def test_gsi_view_is_sparse() -> None:
    view = gsi_view(sample_items(), "message-group-sk-index")
    assert view.index.names == ["message_group_uuid", "sk"]
    assert len(view) == 2 and set(view["entity"]) == {"MessageGroup"}


def test_entity_view_parses_key_fields() -> None:
    view = entity_view(sample_items(), "MessageGroup")
    assert list(view.columns)[:2] == ["owner_user_uuid", "last_message_at"]
    assert sorted(view["owner_user_uuid"]) == ["u-me", "u-you"]


def test_charts() -> None:
    entities = entity_chart()
    assert list(entities.index) == ["MessageGroup", "Message"]
    assert entities.loc["Message", "message-group-sk-index.message_group_uuid"] == "(not in index)"
    patterns = pattern_chart()
    assert list(patterns.index) == ["A", "B", "C", "D", "E"]
    assert patterns.loc["D", "operations"] == "TransactWriteItems"
    assert patterns.loc["E", "index"] == "message-group-sk-index"


def test_empty_frames() -> None:
    assert to_frame([]).empty
    assert gsi_view([]).empty
    assert aggregate_view([]).empty


def test_typed_fast_path_and_general_path_agree() -> None:
    # One entity's items (all strings, same attributes) take the fast path; a number, a
    # missing attribute or a second entity take the general one. Both give the same values.
    messages = [
        message_item("g-1", f"2026-01-01T00:00:0{i}.000000+00:00", f"m-{i}", "hi", ME)
        for i in range(3)
    ]
    fast = to_frame([to_item(m) for m in messages])
    assert fast.equals(to_frame(messages))
    odd = [*messages, {**messages[0], "sk": "2026-01-02T00:00:00.000000+00:00", "likes": 3}]
    odd[1] = {k: v for k, v in odd[1].items() if k != "message"}
    general = to_frame([to_item(m) for m in odd])
    assert general["likes"].tolist()[3] == 3 and general["likes"].isna().sum() == 3
    assert general["message"].isna().tolist() == [False, True, False, False]
    assert general.drop(columns="likes").iloc[[0, 2]].equals(fast.iloc[[0, 2]])


def labels(frame: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(label) else label for label in frame["entity"]]


def shared_prefix_model() -> Model:
    """Two entities whose partition keys share the text before the first '#'."""
    admin = Entity(
        "Admin", {"pk": "USER#A#{user}", "sk": "PROFILE#{since}"}, ("user", "since"), ("name",)
    )
    buyer = Entity(
        "Buyer", {"pk": "USER#B#{user}", "sk": "ORDER#{order}"}, ("user", "order"), ("total",)
    )
    table = TableSpec("t-shared", "pk", "sk", {"pk": "S", "sk": "S"}, stream_view_type=None)
    return Model(table, (admin, buyer))


def test_entities_sharing_a_prefix_get_their_own_labels() -> None:
    model = shared_prefix_model()
    admin, buyer = model.entities
    items = [
        buyer.item(user="u1", order="o-1", total=3),
        admin.item(user="u1", since="2026", name="Ann"),
        buyer.item(user="u2", order="o-2", total=4),
        admin.item(user="u2", since="2025", name="Bob"),
        # the partition key fits Admin, the sort key does not: no entity, not a guess
        {"pk": "USER#A#u3", "sk": "ORDER#o-3"},
        {"pk": "USER#C#u4", "sk": "PROFILE#2024"},
    ]
    expected = ["Buyer", "Admin", "Buyer", "Admin", None, None]
    for rows in (items, [to_item(item) for item in items]):
        frame = to_frame(rows, model)
        assert labels(frame) == expected
        assert list(frame.columns)[:3] == ["pk", "sk", "entity"]
    # the label depends on each row, not on which row came first
    assert labels(to_frame(items[::-1], model)) == expected[::-1]


def test_typed_numbers_in_a_frame_are_int_or_float_and_from_item_keeps_them_exact() -> None:
    exact = Decimal("0.12345678901234567890123456789")
    typed = to_item({"pk": "X#1", "sk": "s", "n": exact, "whole": Decimal("1.5E2")})
    row = to_frame([typed]).iloc[0]
    assert row["n"] == float(exact) and isinstance(row["n"], float)
    assert row["whole"] == 150
    assert from_item(typed)["n"] == exact


def test_a_type_attribute_tells_apart_entities_whose_keys_look_alike() -> None:
    # Two entities with the same key templates, told apart only by their type attribute (the
    # model check allows it): to_frame labels each row as Model.entity_for does.
    import yaml

    from workbench.model.files import model_from_document

    model = model_from_document(
        yaml.safe_load(
            """
            format: 1
            table: {name: things, partition_key: {name: pk, type: S},
                    sort_key: {name: sk, type: S}, billing: {mode: PAY_PER_REQUEST}}
            entities:
              Apple:
                type_attribute: {name: kind, value: apple}
                keys: {pk: "X#{id}", sk: "S#{n}"}
                attributes: {id: {type: S, stored: false}, n: {type: S, stored: false}}
              Pear:
                type_attribute: {name: kind, value: pear}
                keys: {pk: "X#{id}", sk: "S#{n}"}
                attributes: {id: {type: S, stored: false}, n: {type: S, stored: false}}
            patterns: []
            """
        )
    )
    rows = [
        {"pk": "X#1", "sk": "S#1", "kind": "apple"},
        {"pk": "X#1", "sk": "S#2", "kind": "pear"},
        {"pk": "X#1", "sk": "S#3", "kind": "plum"},
    ]
    labels = to_frame(rows, model)["entity"]
    assert list(labels[:2]) == ["Apple", "Pear"] and pd.isna(labels[2])
    assert [getattr(model.entity_for(r), "name", None) for r in rows] == ["Apple", "Pear", None]
