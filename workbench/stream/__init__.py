"""Pattern E: the stream handler (Lambda), the local runner, and the Lambda zip."""

from .handler import handle_records, lambda_handler
from .runner import RunStats, StreamRunner

__all__ = ["RunStats", "StreamRunner", "handle_records", "lambda_handler", "package_lambda"]


def package_lambda(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build the Lambda zip (see :func:`workbench.stream.package.package_lambda`)."""
    from .package import package_lambda as build

    return build(*args, **kwargs)
