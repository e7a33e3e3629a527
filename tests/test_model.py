"""The model: the Cruddur design as declared, key templates, and broken models refused early."""

from __future__ import annotations

import pytest

from workbench.errors import KeyTemplateError, ModelError
from workbench.model import CRUDDUR, MESSAGE, MESSAGE_GROUP, Entity, KeyTemplate, Model
from workbench.model.cruddur import PATTERNS, TABLE
from workbench.model.requests import decode_cursor, encode_cursor
from workbench.model.table import GlobalIndex, TableSpec, Throughput


def test_create_table_request_matches_the_reference() -> None:
    request = CRUDDUR.table.create_table_request()
    assert request["TableName"] == "cruddur-messages"
    assert sorted(
        (a["AttributeName"], a["AttributeType"]) for a in request["AttributeDefinitions"]
    ) == [("message_group_uuid", "S"), ("pk", "S"), ("sk", "S")]
    assert request["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert request["BillingMode"] == "PROVISIONED"
    assert request["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    (gsi,) = request["GlobalSecondaryIndexes"]
    assert gsi == {
        "IndexName": "message-group-sk-index",
        "KeySchema": [
            {"AttributeName": "message_group_uuid", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    }
    assert request["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}


def test_entities_have_exactly_the_reference_attributes() -> None:
    group = MESSAGE_GROUP.item(
        owner_user_uuid="me",
        last_message_at="t",
        message_group_uuid="g",
        message="hi",
        user_uuid="other",
        user_display_name="O",
        user_handle="o",
    )
    assert group == {
        "pk": "GRP#me",
        "sk": "t",
        "message_group_uuid": "g",
        "message": "hi",
        "user_uuid": "other",
        "user_display_name": "O",
        "user_handle": "o",
    }
    message = MESSAGE.item(
        message_group_uuid="g",
        created_at="t",
        message_uuid="m",
        message="hi",
        user_uuid="me",
        user_display_name="M",
        user_handle="m",
    )
    assert set(message) == {
        "pk",
        "sk",
        "message_uuid",
        "message",
        "user_uuid",
        "user_display_name",
        "user_handle",
    }
    assert "message_group_uuid" not in message  # keeps messages out of the sparse GSI
    assert MESSAGE.parse(message)["message_group_uuid"] == "g"


@pytest.mark.parametrize(
    "template,values,key",
    [
        ("GRP#{owner_user_uuid}", {"owner_user_uuid": "u-1"}, "GRP#u-1"),
        (
            "{created_at}",
            {"created_at": "2026-01-01T00:00:00.000000+00:00"},
            "2026-01-01T00:00:00.000000+00:00",
        ),
        ("A#{a}#B#{b}", {"a": "1", "b": "x#y"}, "A#1#B#x#y"),
    ],
)
def test_key_template_builds_and_parses(template: str, values: dict, key: str) -> None:
    tpl = KeyTemplate(template)
    assert tpl.build(values) == key
    assert tpl.parse(key) == values
    assert tpl.matches(key)


def test_key_template_errors_name_the_problem() -> None:
    with pytest.raises(KeyTemplateError, match="needs \\['owner_user_uuid'\\]"):
        KeyTemplate("GRP#{owner_user_uuid}").build({})
    with pytest.raises(KeyTemplateError, match="does not match template"):
        KeyTemplate("GRP#{owner_user_uuid}").parse("MSG#x")
    with pytest.raises(ModelError, match="separated by literal text"):
        KeyTemplate("{a}{b}")
    with pytest.raises(ModelError, match="plain field name"):
        KeyTemplate("GRP#{a:>10}")


def test_entity_with_template_naming_a_missing_attribute_is_refused() -> None:
    with pytest.raises(
        ModelError, match="keys.pk: template names 'owner_uuid', which Broken does not declare"
    ):
        Entity("Broken", {"pk": "GRP#{owner_uuid}", "sk": "{at}"}, ("at",), ("message",))


def test_entity_with_unused_key_field_is_refused() -> None:
    with pytest.raises(ModelError, match="appear in no key template"):
        Entity("Broken", {"pk": "GRP#{a}", "sk": "{b}"}, ("a", "b", "c"), ())


def test_gsi_key_without_attribute_definition_is_refused() -> None:
    with pytest.raises(ModelError, match="GSI 'by-group' key 'group' has no attribute definition"):
        TableSpec(
            "t-broken",
            "pk",
            "sk",
            {"pk": "S", "sk": "S"},
            (GlobalIndex("by-group", "group", "sk"),),
        )


def test_unused_attribute_definition_is_refused() -> None:
    with pytest.raises(ModelError, match="'extra' is not a key"):
        TableSpec("t-broken", "pk", "sk", {"pk": "S", "sk": "S", "extra": "S"})


def test_bad_table_settings_are_refused() -> None:
    with pytest.raises(ModelError, match="table name 'x'"):
        TableSpec("x", "pk", None, {"pk": "S"})
    with pytest.raises(ModelError, match="read capacity 0"):
        Throughput(0, 5)
    with pytest.raises(ModelError, match="stream view type 'NEW'"):
        TableSpec("t-ok", "pk", None, {"pk": "S"}, stream_view_type="NEW")


def test_two_entities_whose_whole_keys_overlap_are_refused() -> None:
    copy = Entity("Message2", {"pk": "MSG#{g}", "sk": "{t}"}, ("g", "t"), ())
    with pytest.raises(ModelError, match="Message2.keys: its items cannot be told apart"):
        Model(TABLE, (MESSAGE_GROUP, MESSAGE, copy), PATTERNS)


def test_entity_keys_must_match_table_keys() -> None:
    odd = Entity("Odd", {"pk": "ODD#{a}"}, ("a",), ())
    with pytest.raises(ModelError, match="table's keys are \\['pk', 'sk'\\]"):
        Model(TABLE, (MESSAGE_GROUP, MESSAGE, odd))


def test_gsi_carried_by_no_entity_is_refused() -> None:
    with pytest.raises(ModelError, match="carried by no entity"):
        Model(TABLE, (MESSAGE,))


def test_pattern_naming_unknown_entity_or_index_is_refused() -> None:
    from dataclasses import replace

    bad = replace(PATTERNS[0], entity="Nope")
    with pytest.raises(ModelError, match="names entity 'Nope'"):
        Model(TABLE, (MESSAGE_GROUP, MESSAGE), (bad,))
    bad = replace(PATTERNS[0], index="nope-index")
    with pytest.raises(ModelError, match="uses index 'nope-index'"):
        Model(TABLE, (MESSAGE_GROUP, MESSAGE), (bad,))


def test_every_pattern_has_a_dry_run_with_the_exact_request() -> None:
    letters = [p.letter for p in CRUDDUR.patterns]
    assert letters == ["A", "B", "C", "D", "E", ""]  # E's move has no letter of its own
    a = CRUDDUR.pattern("A").dry_run("cruddur-messages", message_group_uuid="g-1")
    assert a.operation == "Query" and a.method == "query"
    assert a.params == {
        "TableName": "cruddur-messages",
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "MSG#g-1"}},
        "ScanIndexForward": False,
        "Limit": 20,
        "ReturnConsumedCapacity": "TOTAL",
    }
    assert "begins_with" not in a.params["KeyConditionExpression"]  # no year filter
    d = CRUDDUR.pattern("new-message-group").dry_run("t-x")
    assert d.operation == "TransactWriteItems"
    assert [list(action) for action in d.params["TransactItems"]] == [["Put"]] * 3
    e = CRUDDUR.pattern("E").dry_run("t-x")
    assert e.params["IndexName"] == "message-group-sk-index"
    for pattern in CRUDDUR.patterns:
        assert pattern.dry_run("t-x").to_python().startswith("client.")


def test_unknown_pattern_and_entity_errors_list_the_known() -> None:
    with pytest.raises(ModelError, match="known: \\['A list-messages'"):
        CRUDDUR.pattern("Z")
    with pytest.raises(ModelError, match="known: \\['MessageGroup', 'Message'\\]"):
        CRUDDUR.entity("User")


def test_cursor_round_trip_and_refuses_other_partitions() -> None:
    key = {"pk": {"S": "MSG#g"}, "sk": {"S": "2026"}}
    cursor = encode_cursor(key)
    assert cursor and "=" not in cursor
    assert decode_cursor(cursor, keys=("pk", "sk"), partition={"pk": "MSG#g"}) == key
    with pytest.raises(Exception, match="does not continue this query"):
        decode_cursor(cursor, keys=("pk", "sk"), partition={"pk": "MSG#other"})
    with pytest.raises(Exception, match="not a cursor this workbench issued"):
        decode_cursor("%%%", keys=("pk", "sk"), partition={"pk": "MSG#g"})
    assert encode_cursor(None) is None


def test_entity_for_tells_items_apart() -> None:
    assert CRUDDUR.entity_for({"pk": "GRP#u", "sk": "t"}) is MESSAGE_GROUP
    assert CRUDDUR.entity_for({"pk": "MSG#g", "sk": "t"}) is MESSAGE
    assert CRUDDUR.entity_for({"pk": "USR#x", "sk": "t"}) is None


def test_an_item_may_leave_out_attributes_but_not_the_fields_its_keys_need() -> None:
    # Items are schemaless: a sparse attribute (here the summary's text) may be absent...
    group = MESSAGE_GROUP.item(
        owner_user_uuid="me",
        last_message_at="t",
        message_group_uuid="g",
        user_uuid="other",
        user_display_name="O",
        user_handle="o",
    )
    assert "message" not in group and group["pk"] == "GRP#me"
    # ...but a field a key template is built from may not.
    with pytest.raises(KeyTemplateError, match=r"missing \['owner_user_uuid'\]"):
        MESSAGE_GROUP.item(last_message_at="t", message_group_uuid="g")


def test_a_number_key_parses_as_it_matches() -> None:
    # An N key whose template is one whole field is the field's value (matches() says so too).
    template = KeyTemplate("{reading_at}")
    assert template.matches(1700000000) and template.parse(1700000000) == {"reading_at": 1700000000}
    with pytest.raises(KeyTemplateError, match="does not match"):
        KeyTemplate("R#{reading_at}").parse(5)
