"""DynamoDB's limits and the exact error codes and messages it refuses requests with.

Sources: users' reports of real DynamoDB errors and emulators calibrated against it. The
idempotency mismatch's wording could not be confirmed; the API reference's description of
``IdempotentParameterMismatchException`` is used.
"""

from __future__ import annotations

from ... import constants as C

VALIDATION = "ValidationException"
IDEMPOTENT_MISMATCH = "IdempotentParameterMismatchException"

MAX_ITEM_BYTES = 400 * 1024  # 409,600 bytes, by DynamoDB's item size rules
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024
MAX_TRANSACTION_ACTIONS = 100
MAX_BATCH_WRITE = C.BATCH_WRITE_MAX
MAX_NUMBER_DIGITS = 38
TOKEN_LIFETIME_SECONDS = 600.0  # DynamoDB honours a ClientRequestToken for 10 minutes

TOO_MANY_BATCH = "Too many items requested for the BatchWriteItem call"
DUPLICATE_KEYS = "Provided list of item keys contains duplicates"
EMPTY_BATCH = (
    "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)
EMPTY_BATCH_TABLE = (
    "1 validation error detected: Value '{{{table}=[]}}' at 'requestItems' failed to satisfy "
    "constraint: Map value must satisfy constraint: [Member must have length less than or equal "
    "to 25, Member must have length greater than or equal to 1]"
)
EMPTY_TRANSACTION = (
    "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)
TOO_MANY_ACTIONS = (
    "1 validation error detected: Value '[...]' at 'transactItems' failed to satisfy "
    "constraint: Member must have length less than or equal to 100"
)
ONE_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"
TRANSACTION_TOO_BIG = (
    "Collection size of items exceeded, which can also be caused by the aggregate size of the "
    "items in the transaction exceeding the 4MB limit"
)
TOKEN_REUSED = (
    "DynamoDB rejected the request because you retried a request with a different payload but "
    "with an idempotent token that was already used."
)
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
UPDATE_TOO_BIG = "Item size to update has exceeded the maximum allowed size"
TOO_MANY_DIGITS = "Attempting to store more than 38 significant digits in a Number"
INDEX_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Type mismatch for Index Key {name} "
    "Expected: {expected} Actual: {actual} IndexName: {index}"
)
KEY_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Type mismatch for key {name} "
    "expected: {expected} actual: {actual}"
)
FILTER_ON_KEY = (
    "Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
)
LIMIT_TOO_SMALL = (
    "1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
    "Member must have value greater than or equal to 1"
)
