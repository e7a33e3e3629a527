"""DynamoDB's limits, checked on a request before it is sent, on every engine (issue 9, item 5).

moto lets through requests that real DynamoDB refuses (a 26-request batch, two actions on one
item in a transaction, a number where a GSI declares a string...), so a design that passes on
moto can fail on AWS. :func:`check_request` refuses them first, with DynamoDB's own error code
and message, raised as :class:`~workbench.errors.RequestRejected`.

The checker is pure: it is given the tables' key definitions (:class:`KeySchema`) and a
:class:`TokenBook` for ``ClientRequestToken`` reuse; fetching and caching those is the job of
:mod:`workbench.engine.dynamo`. Item sizes are :func:`workbench.model.capacity.item_size`'s.
"""

from . import messages
from .checks import tables_needing_keys
from .registry import check_request
from .schema import KeySchema, TokenBook

__all__ = [
    "KeySchema",
    "TokenBook",
    "check_request",
    "messages",
    "tables_needing_keys",
]
