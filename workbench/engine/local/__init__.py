"""The managed moto server: the default engine ``local``, on 127.0.0.1, for the workbench only.

:class:`LocalServer` runs one instance for a Python process (it dies with it);
:func:`start_background` and friends run the one instance the CLI and Jupyter share. One
process serves DynamoDB, DynamoDB Streams, Cognito, IAM, STS, Lambda and CloudFormation,
behind a guard (:mod:`workbench.engine.local.guard`) that lets through only requests signed with
the instance's secret key; tables can be kept across restarts
(:mod:`workbench.engine.local.persistence`).
"""

from .background import current_instance, start_background, state_file, status, stop_background
from .guard import SECRET_HEADER
from .server import LocalServer, answers

__all__ = [
    "SECRET_HEADER",
    "LocalServer",
    "answers",
    "current_instance",
    "start_background",
    "state_file",
    "status",
    "stop_background",
]
