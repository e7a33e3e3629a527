"""botocore sessions for the engines: the service loader that checks one folder, and a
session that reads no AWS profile (issue 16).

Below both :mod:`workbench.engine.engines` and :mod:`workbench.engine.local`, which use it.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import botocore.session
from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader, create_loader, instance_cache


def profile_free_session() -> Any:
    """A botocore session that reads no AWS profile, config or credentials file.

    Non-AWS engines need none of them: a ``AWS_PROFILE`` naming a missing profile, or an
    unreadable ``AWS_CONFIG_FILE``, must not break them.
    """
    return _with_service_loader(
        botocore.session.Session(
            session_vars={
                "profile": (None, None, None, None),
                "config_file": (None, None, os.devnull, None),
                "credentials_file": (None, None, os.devnull, None),
            }
        )
    )


# botocore's service names: lower-case letters, digits and hyphens (never a path).
_SERVICE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class _ServiceLoader(Loader):
    """botocore's ``Loader``, checking that one service exists without listing them all.

    Before loading a model (``service-2``, ``endpoint-rule-set-1``, ...), botocore calls
    ``list_available_services``, which lists every folder of every service (about 450, over
    900 ``listdir``/``stat`` calls, some 50 ms of each command's start-up: issue 16), only to
    see whether the name is among them. A service is among them exactly when one of its own
    folders holds a model of that type, which is what ``determine_latest_version`` looks for
    anyway (and what it loads next); so this asks that alone. Anything else (a name that is
    not a plain service name, an explicit ``api_version``, a service with no such model, where
    botocore raises ``UnknownServiceError`` naming every service) is botocore's own code.
    tests/test_engines.py checks that a client made this way has the same model and answers.
    """

    @instance_cache
    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        if api_version is None and _SERVICE_NAME.fullmatch(service_name):
            try:
                version = self.determine_latest_version(service_name, type_name)
            except DataNotFoundError:
                pass
            else:
                # The rest of botocore's load_service_model (botocore is pinned).
                model = self.load_data(os.path.join(service_name, version, type_name))
                extras = self._find_extras(service_name, type_name, version)
                self._extras_processor.process(model, extras)
                return model
        return super().load_service_model(service_name, type_name, api_version)


class _JSONFileLoader(JSONFileLoader):
    """botocore's JSON file loader, decoding into plain dicts rather than ``OrderedDict``.

    Both keep the file's order (dicts do since Python 3.7) and botocore never asks which one
    it has; plain dicts decode ``endpoints.json`` (1.2 MB, read by each new session) in a
    third of the time, some 15 ms of each command's start-up (issue 16).
    """

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read().decode("utf-8"))


def _with_service_loader(session: Any) -> Any:
    """``session`` with a :class:`_ServiceLoader` (and :class:`_JSONFileLoader`) as its data
    loader."""
    # botocore's create_loader reads AWS_DATA_PATH as the session would; only the class is
    # changed, to a subclass that adds no state.
    loader = create_loader(session.get_config_variable("data_path"))
    loader.__class__ = _ServiceLoader
    loader.file_loader = _JSONFileLoader()
    session.register_component("data_loader", loader)
    return session
