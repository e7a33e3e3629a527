"""What the CLI says when a command fails: one line, no secret, no terminal control."""

from __future__ import annotations

import os
import re
from typing import Any

import click

from ..errors import WorkbenchError
from ..redact import mask_secrets

DEBUG_ENV = "WORKBENCH_DEBUG"
MAX_LINE = 600
# Characters that a terminal acts on or that reorder the text around them: C0 and C1
# controls, DEL, line/paragraph separators and the bidirectional overrides.
_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def safe_text(value: Any) -> str:
    """``value`` as text fit for one terminal line: control characters shown escaped
    (``\\r``, ``\\x85``, ``\\u202e``), so stored text cannot move the cursor or rewrite lines."""
    return _UNSAFE_RE.sub(_escape, str(value))


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for echoing user input."""
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} characters)"


def debugging() -> bool:
    """True when ``WORKBENCH_DEBUG`` asks for tracebacks instead of one line."""
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")


def describe(exc: BaseException) -> str:
    """One line saying what went wrong and, where known, what to do.

    :param exc: any exception that reached the CLI's top level.
    """
    from botocore import exceptions as boto

    if isinstance(exc, WorkbenchError):
        text = str(exc)
    elif isinstance(exc, click.UsageError):
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        text = exc.format_message() + where
    elif isinstance(exc, click.ClickException):
        text = exc.format_message()
    elif isinstance(exc, boto.EndpointConnectionError | boto.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        text = (
            f"cannot reach {url}: nothing answers there; start the server "
            "(`workbench local start`) or check --endpoint / WORKBENCH_ENDPOINT"
        )
    elif isinstance(exc, boto.NoRegionError):
        text = (
            "no AWS region is configured for engine aws: set AWS_REGION (for example "
            "AWS_REGION=us-east-1) or a region in your AWS profile"
        )
    elif isinstance(exc, boto.ProfileNotFound):
        text = (
            f"AWS profile {exc.kwargs.get('profile')!r} (AWS_PROFILE) is not in your AWS "
            "configuration: fix AWS_PROFILE, or unset it to use the default profile"
        )
    elif isinstance(exc, boto.NoCredentialsError | boto.PartialCredentialsError):
        text = (
            "no usable AWS credentials for engine aws: configure them (`aws configure`, "
            "AWS_PROFILE) or choose a local engine"
        )
    elif isinstance(exc, boto.ConfigParseError | boto.ConfigNotFound):
        text = f"cannot read your AWS configuration: {exc} (check AWS_CONFIG_FILE)"
    elif isinstance(exc, boto.ClientError):
        error = exc.response.get("Error", {})
        text = f"{exc.operation_name} failed: {error.get('Code')}: {error.get('Message')}"
    elif isinstance(exc, RecursionError):
        text = (
            "the input is nested too deeply to read (RecursionError); give the value "
            "the workbench printed, unchanged"
        )
    elif isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename!r}" if exc.filename else ""
        text = f"cannot use{where}: {exc.strerror}"
    else:
        what = str(exc) or type(exc).__name__
        text = f"{what} (unexpected {type(exc).__name__}; run with {DEBUG_ENV}=1 for the traceback)"
    return shorten(safe_text(mask_secrets(text)), MAX_LINE)


def exit_with_problems(exc: Any) -> None:
    """Print a :class:`~workbench.model.problems.ModelProblems` one problem per line (the
    one-line error would cut a long list short) and exit 1.

    :raises click.exceptions.Exit: always.
    """
    from ..model.problems import render

    click.echo(f"Error: {exc.subject}: {len(exc.problems)} problem(s)", err=True)
    for line in render(exc.problems):
        click.echo(f"  {safe_text(line)}", err=True)
    raise click.exceptions.Exit(1) from None
