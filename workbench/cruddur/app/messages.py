"""The application's message services (patterns A to D), without Flask.

A :class:`Messenger` acts for a signed-in user, named by handle or by Cognito ``sub``, and
fixes the original services' bugs: reading a group checks membership; creating a group is
one transaction; validation reports every problem and writes nothing; timestamps are one
format; results come back in the shapes the app returned.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ... import constants as C
from ...clock import Clock, as_clock, format_ts
from ...engine.dynamo import consumed, send
from ...errors import DynamoError, Forbidden, NotFound, ValidationError
from ...model import CRUDDUR, MESSAGE_GROUP
from ...model.capacity import Capacity
from ...model.cruddur import (
    PAGE_SIZE,
    group_summaries_request,
    list_message_groups_request,
    list_messages_request,
    new_group_request,
    post_message_request,
)
from ...model.items import from_items
from ...model.requests import Request, query
from ..queries import Page, group_shape, message_shape, run_query
from .validation import is_uuid, message_problems, raise_if, require_group_uuid, type_problem

# New groups get a uuid derived from the pair of members, so two "first messages" racing
# each other name the same group; the stream processor then folds any duplicate summaries.
PAIR_NAMESPACE = uuid.UUID("2f0c64b4-8a49-5d2a-9a43-6a7f4f3f1d11")
WRITE_ATTEMPTS = 5


def pair_group_uuid(user_uuid_a: str, user_uuid_b: str) -> str:
    """The group uuid for a new conversation between two users (order does not matter)."""
    low, high = sorted((user_uuid_a, user_uuid_b))
    return str(uuid.uuid5(PAIR_NAMESPACE, f"{low}:{high}"))


def _person(user: Any) -> dict[str, str]:
    return {"uuid": user.uuid, "display_name": user.display_name, "handle": user.handle}


@dataclass
class Sent:
    """A posted message, in the app's shape, plus whether it started a new group.

    ``consumed_capacity`` is the computed write units (``capacity.total``); ``capacity`` has
    the table and index parts and the engine's own figure where it reports one.
    """

    message_group_uuid: str
    uuid: str
    display_name: str
    handle: str
    message: str
    created_at: str
    created_group: bool
    consumed_capacity: float
    request: Request
    capacity: Capacity | None = None

    def to_json(self) -> dict[str, Any]:
        """The app's response body for a new message."""
        return {
            "message_group_uuid": self.message_group_uuid,
            "uuid": self.uuid,
            "display_name": self.display_name,
            "handle": self.handle,
            "message": self.message,
            "created_at": self.created_at,
            "created_group": self.created_group,
        }


class Messenger:
    """Patterns A to D for one table, users directory and clock.

    :param engine: from :func:`workbench.connect`.
    :param directory: the users directory (default: :func:`workbench.cruddur.users.open_directory`).
    :param table_name: the messages table.
    :param clock: where ``created_at`` comes from (inject a FixedClock for reproducible runs).
    :param new_uuid: where message uuids come from (inject for reproducible runs).
    """

    def __init__(
        self,
        engine: Any,
        directory: Any = None,
        table_name: str = CRUDDUR.table.name,
        *,
        clock: Clock | str | None = None,
        new_uuid: Any = None,
    ) -> None:
        if directory is None:
            from ..users import open_directory

            directory = open_directory()
        self.engine = engine
        self.directory = directory
        self.table_name = table_name
        self.clock = as_clock(clock)
        self.new_uuid = new_uuid or (lambda: str(uuid.uuid4()))

    # -- who is acting -------------------------------------------------------------------

    def user(self, who: str) -> Any:
        """The user named by handle or Cognito ``sub``.

        :raises NotFound: naming ``who`` and the known handles.
        """
        if not isinstance(who, str) or not who.strip():
            raise NotFound(f"no signed-in user: {who!r} is blank; give a handle or Cognito sub")
        user = self.directory.get_by_handle(who) or self.directory.get_by_cognito_user_id(who)
        if user is None:
            known = [u.handle for u in self.directory.list_users()][:10]
            raise NotFound(f"no user with handle or Cognito id {who!r}; known handles: {known}")
        return user

    # -- reads ---------------------------------------------------------------------------

    def members(self, message_group_uuid: str) -> dict[str, dict[str, Any]]:
        """The group's members: owner uuid to their GRP item (through the sparse GSI)."""
        members: dict[str, dict[str, Any]] = {}
        start = None
        while True:
            request = group_summaries_request(self.table_name, message_group_uuid)
            if start:
                request.params[C.EXCLUSIVE_START_KEY] = start
            response = send(self.engine, request)
            for item in from_items(response.get(C.ITEMS, [])):
                owner = MESSAGE_GROUP.keys["pk"].parse(item["pk"])["owner_user_uuid"]
                members.setdefault(owner, item)
            start = response.get(C.LAST_EVALUATED_KEY)
            if not start:
                return members

    def group_with(self, me: Any, other: Any) -> str | None:
        """The uuid of the group ``me`` shares with ``other``, or None."""
        pk = MESSAGE_GROUP.keys["pk"].build({"owner_user_uuid": me.uuid})
        start = None
        while True:
            request = query(
                self.table_name,
                key_condition="pk = :pk",
                values={":pk": pk, ":other": other.uuid},
                forward=False,
                start_key=start,
            )
            request.params["FilterExpression"] = "user_uuid = :other"
            response = send(self.engine, request)
            items = from_items(response.get(C.ITEMS, []))
            if items:
                return items[0]["message_group_uuid"]
            start = response.get(C.LAST_EVALUATED_KEY)
            if not start:
                return None

    def list_messages(
        self,
        who: str,
        message_group_uuid: str | None = None,
        *,
        with_handle: str | None = None,
        limit: int = PAGE_SIZE,
        cursor: str | None = None,
    ) -> Page:
        """Pattern A: the latest messages of a group, oldest first, for a member only.

        Name the group by uuid or by the other member's handle (``with_handle``).

        :raises Forbidden: if ``who`` is not one of the group's members.
        :raises NotFound: for an unknown user or a group that does not exist.
        """
        me = self.user(who)
        if (message_group_uuid is None) == (with_handle is None):
            raise ValidationError(
                [
                    (
                        "message_group_uuid",
                        "group_or_handle",
                        "give either a group uuid or the other user's handle",
                    )
                ]
            )
        if with_handle is not None:
            other = self.directory.get_by_handle(with_handle)
            if other is None:
                raise NotFound(f"no user with handle {with_handle!r}")
            message_group_uuid = self.group_with(me, other)
            if message_group_uuid is None:
                raise NotFound(f"{me.handle!r} has no conversation with {with_handle!r} yet")
        else:
            require_group_uuid(message_group_uuid)
            members = self.members(message_group_uuid)
            if not members:
                raise NotFound(f"no message group {message_group_uuid!r}")
            if me.uuid not in members:
                raise Forbidden(
                    f"user {me.handle!r} is not a member of message group "
                    f"{message_group_uuid!r} and may not read it"
                )
        request = list_messages_request(self.table_name, message_group_uuid, limit, cursor)
        return run_query(self.engine, request, oldest_first=True, shape=message_shape)

    def list_message_groups(
        self, who: str, *, limit: int = PAGE_SIZE, cursor: str | None = None
    ) -> Page:
        """Pattern B: my message groups, newest first, each about the other member."""
        me = self.user(who)
        request = list_message_groups_request(self.table_name, me.uuid, limit, cursor)
        return run_query(self.engine, request, oldest_first=False, shape=group_shape)

    # -- writes --------------------------------------------------------------------------

    def send_message(
        self,
        who: str,
        message: str,
        *,
        message_group_uuid: str | None = None,
        to_handle: str | None = None,
    ) -> Sent:
        """Patterns C and D: post to a group, or to a user (starting a group if needed).

        Every validation problem is reported at once and nothing is written when there is
        one: blank or over-long message, blank or unknown group, blank or unknown handle,
        messaging yourself.

        :raises ValidationError: listing every problem.
        :raises Forbidden: posting to a group ``who`` is not a member of.
        """
        me = self.user(who)
        problems = message_problems(message)
        receiver = None
        if message_group_uuid is not None and to_handle is not None:
            problems.append(
                (
                    "message_group_uuid",
                    "group_and_handle",
                    "give a group uuid or a handle, not both",
                )
            )
        elif to_handle is not None:
            wrong_type = type_problem("handle", to_handle)
            if wrong_type is not None:
                problems.append(wrong_type)
            elif not to_handle.strip():
                problems.append(
                    ("handle", "user_receiver_handle_blank", "the receiver's handle is blank")
                )
            else:
                receiver = self.directory.get_by_handle(to_handle)
                if receiver is None:
                    problems.append(
                        (
                            "handle",
                            "user_receiver_handle_unknown",
                            f"no user has the handle {to_handle!r}",
                        )
                    )
                elif receiver.uuid == me.uuid:
                    problems.append(
                        ("handle", "user_receiver_is_sender", "you cannot message yourself")
                    )
        else:
            members: dict[str, Any] = {}
            if message_group_uuid is None or not str(message_group_uuid).strip():
                problems.append(
                    (
                        "message_group_uuid",
                        "message_group_uuid_blank",
                        "the message group uuid is blank",
                    )
                )
            elif not is_uuid(message_group_uuid):
                problems.append(
                    (
                        "message_group_uuid",
                        "message_group_uuid_unknown",
                        f"{message_group_uuid!r} is not a group uuid",
                    )
                )
            else:
                members = self.members(message_group_uuid)
                if not members:
                    problems.append(
                        (
                            "message_group_uuid",
                            "message_group_uuid_unknown",
                            f"no message group {message_group_uuid!r}",
                        )
                    )
        raise_if(problems)
        if receiver is not None:
            existing = self.group_with(me, receiver)
            if existing is None:
                return self._new_group(me, receiver, message)
            message_group_uuid = existing
        elif me.uuid not in members:
            raise Forbidden(
                f"user {me.handle!r} is not a member of message group "
                f"{message_group_uuid!r} and may not post to it"
            )
        assert message_group_uuid is not None
        return self._post(me, message_group_uuid, message)

    def _post(self, me: Any, group: str, message: str) -> Sent:
        message_uuid = self.new_uuid()
        return self._write(
            lambda at: post_message_request(
                self.table_name, group, at, message_uuid, message, _person(me)
            ),
            C.CONDITIONAL_CHECK_FAILED,
            me,
            group,
            message_uuid,
            message,
            created_group=False,
        )

    def _new_group(self, me: Any, other: Any, message: str) -> Sent:
        group = pair_group_uuid(me.uuid, other.uuid)
        message_uuid = self.new_uuid()
        return self._write(
            lambda at: new_group_request(
                self.table_name, group, at, message_uuid, message, _person(me), _person(other)
            ),
            C.TRANSACTION_CANCELED,
            me,
            group,
            message_uuid,
            message,
            created_group=True,
        )

    def _write(
        self,
        build: Any,
        clash: str,
        me: Any,
        group: str,
        message_uuid: str,
        message: str,
        *,
        created_group: bool,
    ) -> Sent:
        """Send ``build(created_at)``; on a key clash (error code ``clash``) try the next
        microsecond, so two messages in the same microsecond both survive."""
        moment = self.clock.now()
        for attempt in range(WRITE_ATTEMPTS):
            created_at = format_ts(moment + timedelta(microseconds=attempt))
            request = build(created_at)
            try:
                response = send(self.engine, request)
            except DynamoError as exc:
                if exc.error_code == clash and attempt < WRITE_ATTEMPTS - 1:
                    time.sleep(0.005 * random.random())
                    continue
                raise
            capacity = consumed(self.engine, request, response, table=CRUDDUR.table)
            return Sent(
                group,
                message_uuid,
                me.display_name,
                me.handle,
                message,
                created_at,
                created_group,
                capacity.total,
                request,
                capacity,
            )
        raise AssertionError("unreachable")  # pragma: no cover
