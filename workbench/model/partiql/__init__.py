"""PartiQL for DynamoDB: read a statement (:mod:`.reader`), and run it on a table's items as
DynamoDB does (:mod:`.run`), with DynamoDB's own refusals (:class:`StatementRefused`)."""

from .reader import read
from .syntax import Statement, StatementRefused

__all__ = ["StatementRefused", "Statement", "read"]
