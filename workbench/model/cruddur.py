"""The Cruddur messages design, as in the bootcamp: one table, two entities, patterns A to E.

The same design is the model file ``models/cruddur.yaml`` (a test checks that both give equal
objects); it stays in Python so the stream Lambda ships it without a YAML parser. Patterns A to
E are data, built by the generic :class:`~workbench.model.builder.RequestBuilder` like any other
model's; the functions below only adapt the application's arguments to their parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import constants as C
from .core import Model
from .entities import Attribute, Entity
from .patterns import AccessPattern, Action, FollowUp
from .requests import Request, delete, put, transact_write
from .table import GlobalIndex, TableSpec, Throughput

TABLE_NAME = C.CRUDDUR_TABLE_NAME
GSI_NAME = "message-group-sk-index"
PAGE_SIZE = 20
SEED_GROUP_UUID = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"

TABLE = TableSpec(
    name=TABLE_NAME,
    hash_key="pk",
    range_key="sk",
    attributes={"pk": "S", "sk": "S", "message_group_uuid": "S"},
    indexes=(GlobalIndex(GSI_NAME, "message_group_uuid", "sk", C.ALL, Throughput(5, 5)),),
    throughput=Throughput(5, 5),
    # The bootcamp switched the stream on by hand in the console; we declare it.
    stream_view_type=C.NEW_IMAGE,
)


def _specs(*specs: tuple[str, str, bool, str]) -> tuple[Attribute, ...]:
    return tuple(
        Attribute(name, "S", description, generate, stored)
        for name, description, stored, generate in specs
    )


_USER = (
    ("user_uuid", "The user's uuid.", True, "uuid"),
    ("user_display_name", "The user's display name.", True, "name"),
    ("user_handle", "The user's handle.", True, "user_name"),
)

MESSAGE_GROUP = Entity(
    name="MessageGroup",
    keys={"pk": "GRP#{owner_user_uuid}", "sk": "{last_message_at}"},
    key_fields=("owner_user_uuid", "last_message_at"),
    attributes=("message_group_uuid", "message", "user_uuid", "user_display_name", "user_handle"),
    description="A conversation as one member sees it; user_* is the OTHER member. "
    "One per member; sk and message track the latest message.",
    attribute_specs=_specs(
        ("owner_user_uuid", "The member who sees this summary.", False, "uuid"),
        ("last_message_at", "When the latest message was sent.", False, "timestamp"),
        ("message_group_uuid", "The conversation (the sparse GSI's key).", True, "uuid"),
        ("message", "The latest message.", True, "sentence"),
        *_USER,
    ),
)

MESSAGE = Entity(
    name="Message",
    keys={"pk": "MSG#{message_group_uuid}", "sk": "{created_at}"},
    key_fields=("message_group_uuid", "created_at"),
    attributes=("message_uuid", "message", "user_uuid", "user_display_name", "user_handle"),
    description="One message; user_* is the sender. No message_group_uuid attribute, so "
    "messages stay out of the sparse GSI.",
    attribute_specs=_specs(
        (
            "message_group_uuid",
            "The conversation.",
            False,
            {"ref": "MessageGroup.message_group_uuid"},
        ),
        ("created_at", "When it was sent.", False, "timestamp"),
        ("message_uuid", "The message's uuid.", True, "uuid"),
        ("message", "The text.", True, "sentence"),
        *_USER,
    ),
)

# Every write that creates an item refuses to overwrite one: two writes with the same key
# (the same microsecond) must not silently lose a message.
NEW_ITEM = "attribute_not_exists(pk)"
# A move deletes the summary where it was read (a concurrent mover makes the transaction fail
# and retry) and puts it at the new key, unless another group's summary holds that key.
MOVED_FROM = "attribute_exists(pk)"
MOVED_TO = "attribute_not_exists(pk) OR message_group_uuid = :g"


def list_messages_request(
    table_name: str, message_group_uuid: str, limit: int = PAGE_SIZE, cursor: str | None = None
) -> Request:
    """Pattern A: the latest ``limit`` messages of a group, newest first (the app reverses).

    No ``begins_with(sk, year)``: the original's year filter hid every message of a past year.
    """
    return CRUDDUR.builder.build(
        "A", table_name, message_group_uuid=message_group_uuid, limit=limit, cursor=cursor
    )


def list_message_groups_request(
    table_name: str, user_uuid: str, limit: int = PAGE_SIZE, cursor: str | None = None
) -> Request:
    """Pattern B: a user's message groups, newest first."""
    return CRUDDUR.builder.build("B", table_name, user_uuid=user_uuid, limit=limit, cursor=cursor)


def message_item(
    message_group_uuid: str, created_at: str, message_uuid: str, message: str, sender: Mapping
) -> dict[str, Any]:
    """A Message item; ``sender`` has ``uuid``, ``display_name`` and ``handle``."""
    return MESSAGE.item(
        message_group_uuid=message_group_uuid,
        created_at=created_at,
        message_uuid=message_uuid,
        message=message,
        user_uuid=sender["uuid"],
        user_display_name=sender["display_name"],
        user_handle=sender["handle"],
    )


def group_item(
    owner: Mapping, other: Mapping, message_group_uuid: str, last_message_at: str, message: str
) -> dict[str, Any]:
    """The MessageGroup item ``owner`` sees: its user_* fields describe ``other``."""
    return MESSAGE_GROUP.item(
        owner_user_uuid=owner["uuid"],
        last_message_at=last_message_at,
        message_group_uuid=message_group_uuid,
        message=message,
        user_uuid=other["uuid"],
        user_display_name=other["display_name"],
        user_handle=other["handle"],
    )


def _person(prefix: str, person: Mapping) -> dict[str, Any]:
    return {f"{prefix}{k}": person[k] for k in ("uuid", "display_name", "handle")}


def post_message_request(
    table_name: str,
    message_group_uuid: str,
    created_at: str,
    message_uuid: str,
    message: str,
    sender: Mapping,
) -> Request:
    """Pattern C: put one Message into an existing group (never overwriting another)."""
    return CRUDDUR.builder.build(
        "C",
        table_name,
        message_group_uuid=message_group_uuid,
        created_at=created_at,
        message_uuid=message_uuid,
        message=message,
        **_person("user_", sender),
    )


def new_group_request(
    table_name: str,
    message_group_uuid: str,
    created_at: str,
    message_uuid: str,
    message: str,
    sender: Mapping,
    receiver: Mapping,
) -> Request:
    """Pattern D: both GRP items and the first Message, all or nothing, in one transaction.

    The original used ``batch_write_item``, which is not atomic and ignored UnprocessedItems.
    """
    return CRUDDUR.builder.build(
        "D",
        table_name,
        message_group_uuid=message_group_uuid,
        created_at=created_at,
        message_uuid=message_uuid,
        message=message,
        **_person("sender_", sender),
        **_person("receiver_", receiver),
    )


def group_summaries_request(table_name: str, message_group_uuid: str) -> Request:
    """Pattern E, step 1: the group's GRP items, through the sparse GSI."""
    return CRUDDUR.builder.build("E", table_name, message_group_uuid=message_group_uuid)


def move_summary_request(
    table_name: str, summary: Mapping[str, Any], last_message_at: str, message: str
) -> Request:
    """Pattern E, step 2: move one GRP item to the new message, atomically.

    The item's key contains its sort key, so "update" means delete the old key and put the
    new one. The delete is conditional on the old item still being there unchanged, so a
    concurrent mover makes this transaction fail (and retry) instead of leaving two items.
    """
    new_item = dict(summary)
    new_item["sk"] = last_message_at
    new_item["message"] = message
    return transact_write(
        [
            (
                "Delete",
                delete(
                    table_name,
                    {"pk": summary["pk"], "sk": summary["sk"]},
                    condition="attribute_exists(pk)",
                ),
            ),
            (
                "Put",
                put(
                    table_name,
                    new_item,
                    condition="attribute_not_exists(pk) OR message_group_uuid = :g",
                    values={":g": summary["message_group_uuid"]},
                ),
            ),
        ]
    )


def _user_fields(prefix: str) -> dict[str, str]:
    return {f"user_{k}": "{" + prefix + k + "}" for k in ("uuid", "display_name", "handle")}


def _group_fields(owner: str, other: str) -> dict[str, str]:
    return {
        "owner_user_uuid": "{" + owner + "uuid}",
        "last_message_at": "{created_at}",
        **_user_fields(other),
    }


_EXAMPLE_USER = {"uuid": "{my_user_uuid}", "display_name": "Andrew Brown", "handle": "andrewbrown"}
_EXAMPLE_OTHER = {"uuid": "{other_user_uuid}", "display_name": "Londo Mollari", "handle": "londo"}
_EXAMPLE_TIME = "2026-11-22T07:45:00.000000+00:00"

PATTERNS = (
    AccessPattern(
        letter="A",
        name="list-messages",
        description="The latest 20 messages of a group, shown oldest first; a cursor pages back.",
        operations=("Query",),
        entity="Message",
        key_condition="pk = MSG#{message_group_uuid}",
        build=list_messages_request,
        example={"message_group_uuid": SEED_GROUP_UUID},
        order="newest first (app shows oldest first)",
        limit=PAGE_SIZE,
        command="workbench messages list GROUP_UUID --as HANDLE",
        partition_key="MSG#{message_group_uuid}",
        forward=False,
        returns=("Message",),
    ),
    AccessPattern(
        letter="B",
        name="list-message-groups",
        description="My conversations, most recent first, each about the other member.",
        operations=("Query",),
        entity="MessageGroup",
        key_condition="pk = GRP#{my_user_uuid}",
        build=list_message_groups_request,
        example={"user_uuid": "{my_user_uuid}"},
        order="newest first",
        limit=PAGE_SIZE,
        command="workbench messages groups --as HANDLE",
        partition_key="GRP#{user_uuid}",
        forward=False,
        returns=("MessageGroup",),
    ),
    AccessPattern(
        letter="C",
        name="post-message",
        description="Post to an existing group: one Message item (members only).",
        operations=("PutItem",),
        entity="Message",
        key_condition="pk = MSG#{message_group_uuid}",
        build=post_message_request,
        example={
            "message_group_uuid": SEED_GROUP_UUID,
            "created_at": _EXAMPLE_TIME,
            "message_uuid": "{message_uuid}",
            "message": "hello",
            "sender": _EXAMPLE_USER,
        },
        command="workbench messages send --as HANDLE --group UUID TEXT",
        returns=("Message",),
        actions=(Action("Put", "Message", condition=NEW_ITEM),),
    ),
    AccessPattern(
        letter="D",
        name="new-message-group",
        description="Message someone new: both GRP items and the Message in one transaction.",
        operations=("TransactWriteItems",),
        entity="MessageGroup",
        key_condition="pk = GRP#{my_user_uuid}, GRP#{other_user_uuid}, MSG#{message_group_uuid}",
        build=new_group_request,
        example={
            "message_group_uuid": "{new_group_uuid}",
            "created_at": _EXAMPLE_TIME,
            "message_uuid": "{message_uuid}",
            "message": "hello",
            "sender": _EXAMPLE_USER,
            "receiver": _EXAMPLE_OTHER,
        },
        command="workbench messages send --as HANDLE --to HANDLE TEXT",
        returns=("MessageGroup", "Message"),
        actions=(
            Action(
                "Put", "MessageGroup", _group_fields("sender_", "receiver_"), condition=NEW_ITEM
            ),
            Action(
                "Put", "MessageGroup", _group_fields("receiver_", "sender_"), condition=NEW_ITEM
            ),
            Action("Put", "Message", _user_fields("sender_"), condition=NEW_ITEM),
        ),
    ),
    AccessPattern(
        letter="E",
        name="update-message-group",
        description="On each new message (stream), move both GRP items to it: GSI query, then "
        "an atomic delete+put per item.",
        operations=("Query",),
        entity="MessageGroup",
        index=GSI_NAME,
        key_condition="message_group_uuid = {message_group_uuid}",
        build=group_summaries_request,
        example={"message_group_uuid": SEED_GROUP_UUID},
        order="any",
        command="workbench stream run",
        partition_key="{message_group_uuid}",
        forward=False,
        returns=("MessageGroup",),
        # One move per member's summary: both of them, on every message.
        follows=(FollowUp("move-message-group", 2),),
    ),
    AccessPattern(
        name="move-message-group",
        description="Pattern E's write, once per summary: move one GRP item to the new "
        "message, atomically (delete the old key, put the new one).",
        operations=("TransactWriteItems",),
        entity="MessageGroup",
        key_condition="pk = GRP#{owner_user_uuid}",
        example={
            "owner_user_uuid": "{my_user_uuid}",
            "last_message_at": _EXAMPLE_TIME,
            "message_group_uuid": SEED_GROUP_UUID,
            "message": "hello again",
            "user_uuid": "{other_user_uuid}",
            "user_display_name": "Londo Mollari",
            "user_handle": "londo",
            "created_at": "2026-11-22T08:15:00.000000+00:00",
        },
        command="workbench stream run",
        returns=("MessageGroup",),
        actions=(
            Action("Delete", "MessageGroup", condition=MOVED_FROM),
            Action(
                "Put",
                "MessageGroup",
                {"last_message_at": "{created_at}"},
                condition=MOVED_TO,
                condition_values={":g": "{message_group_uuid}"},
            ),
        ),
    ),
)

CRUDDUR = Model(TABLE, (MESSAGE_GROUP, MESSAGE), PATTERNS)
