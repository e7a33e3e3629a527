"""Engines: one way to get DynamoDB (and Cognito) clients for every place the data can live.

==========  ==================================================================================
engine      what it talks to
==========  ==================================================================================
local       the managed moto server (the default): the background instance that
            ``workbench local start`` runs, or, from Python, one started for this process
endpoint    any DynamoDB-compatible URL (a DynamoDB Local you run yourself, a moto server)
moto        moto's in-process mock: state lives only as long as the process
aws         a real AWS account: only when selected explicitly, never inferred
==========  ==================================================================================

Chosen by function parameters (``engine=``, ``endpoint=``), or the environment:
``WORKBENCH_ENDPOINT`` (a URL, which alone selects that endpoint) and ``WORKBENCH_ENGINE``
(``local``, ``moto``, ``aws``). The generic ``AWS_ENDPOINT_URL`` is deliberately ignored: botocore
applies it to every AWS service, so honouring it would send Cognito and STS to a DynamoDB-only
endpoint.
Requests to a loopback endpoint never go through ``HTTP_PROXY``.
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import botocore.session
from botocore.config import Config

from ..errors import EngineError, LocalNotRunning
from .sessions import _with_service_loader, profile_free_session

ENGINE_NAMES = ("local", "endpoint", "moto", "aws")
DEFAULT_REGION = "us-east-1"
# Credentials for every non-AWS engine, so ambient AWS credentials are never read, sent or
# needed. The managed server accepts any access key id but only its own secret key; a
# DynamoDB Local run without -sharedDb keeps one database per key, which
# WORKBENCH_ACCESS_KEY_ID picks.
LOCAL_CREDENTIALS = {"aws_access_key_id": "workbench", "aws_secret_access_key": "workbench"}
SECRET_ENV = "WORKBENCH_SECRET_ACCESS_KEY"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def local_credentials(access_key: str | None = None, secret: str | None = None) -> dict[str, str]:
    """The credentials non-AWS engines sign with.

    :param access_key: default ``WORKBENCH_ACCESS_KEY_ID``, else ``workbench``.
    :param secret: default ``WORKBENCH_SECRET_ACCESS_KEY``, else ``workbench``.
    :raises EngineError: if the access key is not letters and digits only.
    """
    key = (
        access_key
        or os.environ.get("WORKBENCH_ACCESS_KEY_ID")
        or LOCAL_CREDENTIALS["aws_access_key_id"]
    )
    if not key.isalnum():
        # DynamoDB Local rejects other keys with an opaque "security token is invalid".
        raise EngineError(f"access key {key!r} must be letters and digits only")
    secret = secret or os.environ.get(SECRET_ENV) or LOCAL_CREDENTIALS["aws_secret_access_key"]
    return {"aws_access_key_id": key, "aws_secret_access_key": secret}


def _is_loopback(url: str | None) -> bool:
    return url is not None and urlparse(url).hostname in _LOOPBACK


def _config(url: str | None = None) -> Config:
    # A proxy from HTTP_PROXY would see (and could not reach) a loopback server.
    proxies: dict[str, Any] = {"proxies": {}} if _is_loopback(url) else {}
    return Config(
        **proxies,
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=32,
        # Never let AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_DYNAMODB or profile endpoint settings
        # redirect our clients: the engine alone decides where requests go.
        ignore_configured_endpoint_urls=True,
    )


class _MotoMock:
    """One process-wide moto ``mock_aws``, shared by every moto engine, reference-counted."""

    _lock = threading.Lock()
    _users = 0
    _mock: Any = None

    @classmethod
    def acquire(cls) -> None:
        with cls._lock:
            if cls._users == 0:
                from moto import mock_aws

                from . import motoexpressions, motofixes, motoindex, motopartiql, mototx

                # Queries read their item collection, not the whole table (issue 9), and
                # transactions copy what they touch, not the whole table.
                motoindex.install()
                mototx.install()
                motofixes.install()  # results as DynamoDB computes them (issue 18)
                motopartiql.install()  # PartiQL run as DynamoDB runs it (issue 18)
                motoexpressions.install()  # key conditions, legacy Expected, transactions
                _shield_moto_from_aws_profile()
                # AWS's managed IAM policies exist on every account; without them a plan that
                # attaches AWSLambdaDynamoDBExecutionRole could not be rehearsed on moto.
                cls._mock = mock_aws(config={"iam": {"load_aws_managed_policies": True}})
                cls._mock.start()
            cls._users += 1

    @classmethod
    def release(cls) -> None:
        with cls._lock:
            if cls._users == 0:
                return
            cls._users -= 1
            if cls._users == 0:
                cls._mock.stop()
                cls._mock = None


def _shield_moto_from_aws_profile() -> None:
    """Give moto's backends a boto3 session that reads no AWS profile or config file.

    moto lists regions with a plain ``boto3.Session()``, which fails on an ``AWS_PROFILE``
    naming a missing profile or an unreadable ``AWS_CONFIG_FILE``; the in-process engine needs
    neither (issue 10, item 5).
    """
    import boto3.session
    from moto.core.base_backend import AccountSpecificBackend

    session = boto3.session.Session(botocore_session=profile_free_session())
    AccountSpecificBackend.get_session = classmethod(  # type: ignore[method-assign]
        lambda cls: session
    )


@dataclass
class Engine:
    """Where DynamoDB lives, and how to get clients for it.

    Build one with :func:`connect`. Clients are created once per service and reused.
    Close the engine (or use it as a context manager) to stop anything it started itself.
    """

    name: str
    endpoint_url: str | None = None
    region: str = DEFAULT_REGION
    cognito_endpoint_url: str | None = None
    access_key: str | None = None
    secret: str | None = field(default=None, repr=False)
    _owned: list[Any] = field(default_factory=list, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # A botocore session: clients come from it directly, as boto3's would (boto3's own import
    # costs a fifth of start-up); the boto3 session over it is made for resource() only.
    _session: Any = field(default=None, repr=False)
    _boto3_session: Any = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.name not in ENGINE_NAMES:
            raise EngineError(f"unknown engine {self.name!r}; choose one of {list(ENGINE_NAMES)}")
        if self.name == "aws":
            # Region and credentials come from the user's AWS configuration, as the AWS CLI's do.
            self._session = _with_service_loader(botocore.session.Session())
            if region := os.environ.get("AWS_REGION"):
                self._session.set_config_variable("region", region)
            self.region = self._session.get_config_variable("region") or self.region
        else:
            self._session = self._local_session()

    def _local_session(self) -> Any:
        # What boto3.session.Session(botocore_session=..., region_name=..., keys) does.
        session = profile_free_session()
        credentials = local_credentials(self.access_key, self.secret)
        session.set_credentials(
            credentials["aws_access_key_id"], credentials["aws_secret_access_key"]
        )
        session.set_config_variable("region", self.region)
        return session

    @property
    def is_aws(self) -> bool:
        """True when requests go to a real AWS account."""
        return self.name == "aws"

    def client(self, service: str = "dynamodb") -> Any:
        """A boto3 client for ``service`` (``dynamodb``, ``dynamodbstreams``, ``cognito-idp``)."""
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._make_client(service)
            return self._clients[service]

    def resource(self) -> Any:
        """A boto3 DynamoDB resource on this engine (the style the bootcamp's scan used)."""
        import boto3.session

        url = self._url_for("dynamodb")
        with self._lock:
            if self._boto3_session is None:  # once: each one registers its handlers again
                self._boto3_session = boto3.session.Session(botocore_session=self._session)
            session = self._boto3_session
        return session.resource("dynamodb", endpoint_url=url, config=_config(url))

    def _url_for(self, service: str) -> str | None:
        if self.name == "moto" and service == "dynamodbstreams":
            # botocore sends stream calls to account-specific hosts, which moto's mock does
            # not route; the classic regional host is routed.
            return f"https://streams.dynamodb.{self.region}.amazonaws.com"
        if self.name in ("aws", "moto"):
            return None
        if service == "cognito-idp":
            # The managed server serves Cognito at the same endpoint; for engine endpoint,
            # WORKBENCH_COGNITO_ENDPOINT may name another one.
            return self.cognito_endpoint_url or self.endpoint_url
        return self.endpoint_url

    def _make_client(self, service: str) -> Any:
        url = self._url_for(service)
        return self._session.create_client(service, endpoint_url=url, config=_config(url))

    def follow_background(self) -> bool:
        """Take up the background instance's current endpoint and secret (after a restart).

        ``workbench local stop`` + ``start`` gives the instance a new secret, and maybe a new
        port; a long-lived engine ``local`` (the app's) calls this when its requests fail.

        :returns: True if they changed (the clients are made anew), False if not.
        :raises LocalNotRunning: if no background instance runs now.
        :raises EngineError: for an engine that is not on the background instance.
        """
        if self.name != "local" or self.local_server is not None:
            raise EngineError(f"{self.describe()} is not the background local server")
        from .local import current_instance

        instance = current_instance()
        if instance is None:
            raise LocalNotRunning()
        with self._lock:
            if (instance["endpoint"], instance["secret"]) == (self.endpoint_url, self.secret):
                return False
            self.endpoint_url, self.secret = instance["endpoint"], instance["secret"]
            self._session = self._local_session()
            self._boto3_session = None
            self._clients = {}  # requests still running on the old ones finish (or fail) alone
        return True

    @property
    def local_server(self) -> Any:
        """The managed server this engine started itself, or None (shared or not local)."""
        return next((o for o in self._owned if hasattr(o, "secret")), None)

    def describe(self) -> str:
        """One line saying where requests go, for notebooks and ``status`` output."""
        if self.name == "aws":
            return f"aws (real account, region {self.region})"
        if self.name == "moto":
            return "moto (in-process mock)"
        if self.name == "local":
            return f"local (managed moto server at {self.endpoint_url})"
        return f"endpoint ({self.endpoint_url})"

    def close(self) -> None:
        """Stop whatever this engine started (its own managed server, moto)."""
        if self._closed:
            return
        self._closed = True
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        while self._owned:
            owned = self._owned.pop()
            owned.stop()
        if self.name == "moto":
            _MotoMock.release()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_url(url: str) -> str:
    bad = EngineError(f"endpoint {url!r} is not a URL; give one like http://localhost:8000")
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 - parsing the port is what raises on "http://[::1" or ":x"
    except ValueError as exc:
        raise bad from exc
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise bad
    return url.rstrip("/")


def connect(
    engine: str | None = None,
    endpoint: str | None = None,
    *,
    region: str | None = None,
    autostart: bool = True,
    access_key: str | None = None,
    secret: str | None = None,
) -> Engine:
    """Choose an engine and return it.

    :param engine: ``local``, ``moto``, ``aws`` or ``endpoint``; default from
        ``WORKBENCH_ENGINE``, else ``local`` (``endpoint`` alone implies ``endpoint``).
    :param endpoint: a DynamoDB URL; default from ``WORKBENCH_ENDPOINT``.
    :param region: region for non-AWS engines (default ``us-east-1``).
    :param autostart: for ``local``, start a managed server for this process when no
        background instance is running (stopped again when the engine closes or Python
        exits). The CLI passes ``False``: an instance that dies with one command would lose
        its data.
    :param access_key: the access key id non-AWS engines sign with (default:
        ``WORKBENCH_ACCESS_KEY_ID``, else ``workbench``); on a DynamoDB Local you run without
        ``-sharedDb`` each key is a separate database.
    :param secret: the secret key ``endpoint`` signs with (default:
        ``WORKBENCH_SECRET_ACCESS_KEY``, else ``workbench``); engine ``local`` uses its
        server's own.
    :raises EngineError: for an unknown engine, a bad URL, or contradictory choices.
    :raises LocalNotRunning: for ``local`` with no running instance and ``autostart=False``.
    """
    env_engine = os.environ.get("WORKBENCH_ENGINE") or None
    env_endpoint = os.environ.get("WORKBENCH_ENDPOINT") or None
    if engine is None and endpoint is None:
        engine, endpoint = env_engine, env_endpoint
    if engine is not None and engine not in ENGINE_NAMES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {list(ENGINE_NAMES)}")
    if endpoint is not None and engine not in (None, "endpoint"):
        raise EngineError(
            f"engine {engine!r} and endpoint {endpoint!r} contradict each other; "
            "give an endpoint URL or an engine name, not both"
        )
    name = "endpoint" if endpoint else (engine or "local")
    kwargs: dict[str, Any] = {"region": region or DEFAULT_REGION, "access_key": access_key}
    if name == "endpoint":
        kwargs["secret"] = secret
        if not endpoint:
            raise EngineError(
                "engine 'endpoint' needs a URL: pass --endpoint or WORKBENCH_ENDPOINT"
            )
        return Engine(
            "endpoint",
            endpoint_url=_check_url(endpoint),
            cognito_endpoint_url=os.environ.get("WORKBENCH_COGNITO_ENDPOINT") or None,
            **kwargs,
        )
    if name == "moto":
        _MotoMock.acquire()
        return Engine("moto", **kwargs)
    if name == "aws":
        return Engine("aws")
    return _connect_local(autostart=autostart, **kwargs)


def _connect_local(*, autostart: bool, region: str, access_key: str | None) -> Engine:
    from .local import current_instance

    instance = current_instance()
    if instance is not None:
        return Engine(
            "local",
            endpoint_url=instance["endpoint"],
            region=region,
            access_key=access_key,
            secret=instance["secret"],
        )
    if not autostart:
        raise LocalNotRunning()
    from .local import LocalServer

    server = LocalServer.start()
    atexit.register(server.stop)
    engine = Engine(
        "local",
        endpoint_url=server.endpoint,
        region=region,
        access_key=access_key,
        secret=server.secret,
    )
    engine._owned.append(server)
    return engine
