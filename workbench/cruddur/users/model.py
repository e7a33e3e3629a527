"""A user of the directory, the seed users, and the handle rule."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from ...errors import UsersError

# Seed users get fixed uuids (uuid5 of their handle in this namespace), so the seeded
# conversation, its GRP keys and every notebook output are the same on every machine.
SEED_NAMESPACE = uuid.UUID("8d5c1b6e-0f3a-5b7e-9c4d-2a1f3e5d7c90")
MOCK = "MOCK"  # the placeholder Cognito id the bootcamp's seed.sql used
HANDLE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass(frozen=True)
class User:
    """One row of ``users``."""

    uuid: str
    display_name: str
    handle: str
    email: str
    cognito_user_id: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        """The row as a dict."""
        return asdict(self)

    def person(self) -> dict[str, str]:
        """``{uuid, display_name, handle}``, as the message items store a user."""
        return {"uuid": self.uuid, "display_name": self.display_name, "handle": self.handle}


@dataclass(frozen=True)
class SeedUser:
    """A user the seed adds when missing."""

    display_name: str
    handle: str
    email: str

    @property
    def uuid(self) -> str:
        """The fixed uuid of this seed user."""
        return seed_uuid(self.handle)


def seed_uuid(handle: str) -> str:
    """The fixed uuid a seed user gets."""
    return str(uuid.uuid5(SEED_NAMESPACE, handle))


SEED_USERS = (
    SeedUser("Andrew Brown", "andrewbrown", "andrew@exampro.co"),
    SeedUser("Andrew Bayko", "bayko", "bayko@exampro.co"),
    SeedUser("Londo Mollari", "londo", "lmollari@centari.com"),
)


def check_handle(handle: Any) -> str:
    """Return ``handle`` if it is valid: 1-32 of letters, digits, ``_``, ``.``, ``-``.

    :raises UsersError: naming the handle and the rule.
    """
    if not isinstance(handle, str) or not HANDLE_RE.match(handle):
        raise UsersError(
            f"handle {handle!r} is not valid: use 1-32 letters, digits, '_', '.' or '-'"
        )
    return handle
