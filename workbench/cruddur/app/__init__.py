"""The application layer: patterns A to D as the Cruddur services ran them, minus the bugs."""

from .messages import Messenger, Sent, pair_group_uuid
from .validation import MAX_MESSAGE_CHARS

__all__ = ["MAX_MESSAGE_CHARS", "Messenger", "Sent", "pair_group_uuid"]
