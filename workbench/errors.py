"""The workbench's errors: one root, :class:`WorkbenchError`, that keeps the boto cause."""

from __future__ import annotations

from typing import Any


class WorkbenchError(Exception):
    """Base of every error the workbench raises on purpose.

    :param msg: what went wrong, naming the offending value and what is allowed.
    :param cause: the underlying exception (usually a botocore ``ClientError``), kept so
        callers can still read the AWS error code and message.
    """

    msg = "workbench error"

    def __init__(self, msg: str | None = None, cause: BaseException | None = None) -> None:
        self.msg = msg or self.msg
        self.cause = cause
        super().__init__(self.msg)
        if cause is not None:
            self.__cause__ = cause

    @property
    def error_code(self) -> str | None:
        """The AWS error code of the cause (``ConditionalCheckFailedException``...), if any."""
        response: dict[str, Any] = getattr(self.cause, "response", None) or {}
        return response.get("Error", {}).get("Code")

    @property
    def error_message(self) -> str | None:
        """The AWS error message of the cause, if any."""
        response: dict[str, Any] = getattr(self.cause, "response", None) or {}
        return response.get("Error", {}).get("Message")


class ModelError(WorkbenchError):
    """The single-table model is broken (raised when it is defined)."""

    msg = "invalid model"


class KeyTemplateError(ModelError):
    """A key does not match, or cannot be built from, its template."""

    msg = "invalid key"


class InputLimitError(ModelError):
    """A model, traffic or data file is larger, deeper or more repetitive than the workbench
    reads (:mod:`workbench.model.safeload`); nothing of it was used."""

    msg = "input refused"


class TimestampError(WorkbenchError, ValueError):
    """A timestamp is not a timezone-aware ISO 8601 string in the workbench format."""

    msg = "invalid timestamp"


class EngineError(WorkbenchError):
    """No DynamoDB engine could be chosen or reached."""

    msg = "engine error"


class LocalError(EngineError):
    """The managed moto server (engine ``local``) could not be started or stopped."""

    msg = "local server error"


class LocalNotRunning(LocalError):
    """The background managed server is not running."""

    msg = (
        "the workbench's local server is not running: start it with `workbench local start`, "
        "or pass --endpoint URL or --engine moto"
    )


class PortInUse(LocalError):
    """The port asked for is already taken."""


class DynamoError(WorkbenchError):
    """A DynamoDB call failed; ``cause`` holds the botocore ``ClientError``."""

    msg = "DynamoDB call failed"


class TableNotFound(DynamoError):
    """The table does not exist on this engine."""


class RequestRejected(DynamoError):
    """DynamoDB would refuse this request, so the workbench refused it before sending it.

    Raised on every engine (moto lets many of these through), with DynamoDB's own error.

    :param operation: the API name, e.g. ``BatchWriteItem``.
    :param table: the table the refusal is about, or None.
    :param code: DynamoDB's error code, e.g. ``ValidationException``.
    :param message: DynamoDB's error message.
    """

    def __init__(self, operation: str, table: str | None, code: str, message: str) -> None:
        self.operation = operation
        self.table = table
        self._code = code
        self._message = message
        where = f"{operation} on {table!r}" if table else operation
        super().__init__(f"{where} refused before sending: {code}: {message}")

    @property
    def error_code(self) -> str:
        """DynamoDB's error code, e.g. ``IdempotentParameterMismatchException``."""
        return self._code

    @property
    def error_message(self) -> str:
        """DynamoDB's error message."""
        return self._message


class ConfirmationRequired(WorkbenchError):
    """A destructive action against real AWS was not confirmed."""


class NotFound(WorkbenchError):
    """A user, group or other named thing does not exist."""


class Forbidden(WorkbenchError):
    """The acting user may not do this (for example read a group they are not in)."""


class ValidationError(WorkbenchError, ValueError):
    """Input failed validation; ``problems`` lists every problem found, not just the first.

    :param problems: a list of ``(field, code, detail)`` tuples.
    """

    msg = "invalid input"

    def __init__(self, problems: list[tuple[str, str, str]], cause: BaseException | None = None):
        self.problems = list(problems)
        text = "; ".join(f"{field}: {detail} ({code})" for field, code, detail in self.problems)
        super().__init__(f"invalid input: {text}", cause)

    @property
    def codes(self) -> list[str]:
        """The machine-readable codes, e.g. ``['message_blank', 'handle_unknown']``."""
        return [code for _, code, _ in self.problems]


class UsersError(WorkbenchError):
    """The users directory (SQLite or PostgreSQL) failed or is misconfigured."""


class CognitoError(WorkbenchError):
    """A Cognito call failed or a user has no Cognito id yet."""


class StreamError(WorkbenchError):
    """Reading the table's stream or delivering it to the handler failed."""
