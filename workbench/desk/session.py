"""A notebook's working set in one object: engine, table, users, clock, app, frames.

Notebook cells stay a few calls long: ``wb = workbench.open_session(...)`` from the
parameters cell, then ``wb.seed()``, ``wb.messenger.send_message(...)``, ``wb.frame()``.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from typing import Any

from ..clock import FixedClock, SystemClock, format_ts
from ..engine.engines import Engine, connect
from ..model import CRUDDUR

# Message ids in notebooks come from this namespace and a counter, so stored outputs match.
NOTEBOOK_IDS = uuid.UUID("6f1d2c3b-4a5e-5f60-8a7b-9c0d1e2f3a4b")


def sequential_uuids(label: str = "notebook") -> Any:
    """A function returning reproducible uuids: uuid5 of ``label`` and a counter."""
    counter = itertools.count(1)
    return lambda: str(uuid.uuid5(NOTEBOOK_IDS, f"{label}-{next(counter)}"))


class Session:
    """Everything a notebook works with.

    :param engine: engine name (``local``, ``moto``, ``aws``) or None for the default.
    :param endpoint: a DynamoDB URL (``make run`` passes its shared local server's).
    :param table_name: the table this notebook uses.
    :param now: when the seeded conversation ends (ISO); the session's clock, used for
        everything written afterwards, starts one minute later. None for the real time.
    :param users_url: the users directory (default: a private in-memory SQLite).
    """

    def __init__(
        self,
        engine: str | None = None,
        endpoint: str | None = None,
        table_name: str = CRUDDUR.table.name,
        now: str | None = None,
        users_url: str = "sqlite:///:memory:",
    ) -> None:
        from ..cruddur.app import Messenger
        from ..cruddur.users import open_directory

        self.engine: Engine = connect(None if endpoint else engine, endpoint)
        self.table_name = table_name
        # The seed ends at `now`; what the notebook writes afterwards starts a minute later.
        self.now = FixedClock(now).peek() if now else None
        self.clock = FixedClock(self.now + timedelta(minutes=1)) if self.now else SystemClock()
        self.users = open_directory(users_url)
        self.users.ensure_seed_users()
        self.messenger = Messenger(
            self.engine,
            self.users,
            table_name,
            clock=self.clock,
            new_uuid=sequential_uuids(table_name),
        )

    def describe(self) -> dict[str, Any]:
        """What this session uses (engine kind, table, users directory, clock)."""
        return {
            "engine": self.engine.name,
            "talks to": {
                "aws": "a real AWS account",
                "moto": "moto (in-process)",
                "local": "the managed local server (moto's, over HTTP)",
            }.get(self.engine.name, "a DynamoDB endpoint of your own"),
            "table": self.table_name,
            "users directory": self.users.describe(),
            "clock starts at": format_ts(self.now) if self.now else "real time",
        }

    # -- the scripts -----------------------------------------------------------------------

    def schema_load(self, recreate: bool = True) -> dict[str, Any]:
        """Create the table (recreated by default, so every run starts clean)."""
        from ..engine.tables import schema_load

        return schema_load(self.engine, self.table_name, recreate=recreate)

    def seed(self, count: int | None = None, now: str | None = None) -> Any:
        """Seed the conversation, ending at ``now`` (default: the session's ``now``)."""
        from ..cruddur.seeder import seed

        return seed(
            self.engine,
            self.table_name,
            directory=self.users,
            now=now or self.now,
            count=count,
            progress=False,
        )

    def items(self) -> list[dict[str, Any]]:
        """Every item of the table (scan, all pages)."""
        from ..cruddur.scanner import scan

        return scan(self.engine, self.table_name).items

    def frame(self) -> Any:
        """Every item as a DataFrame."""
        from .frames import to_frame

        return to_frame(self.items())

    def aggregate_view(self) -> Any:
        """Item collections grouped by partition key."""
        from .frames import aggregate_view

        return aggregate_view(self.items())

    def gsi_view(self) -> Any:
        """What the sparse GSI holds."""
        from .frames import gsi_view

        return gsi_view(self.items())

    def dry_run(self, pattern: str, **params: Any) -> Any:
        """The exact request an access pattern sends, without sending it."""
        return CRUDDUR.pattern(pattern).dry_run(self.table_name, **params)

    def stream_runner(self, **kwargs: Any) -> Any:
        """A local event-source mapping for this table (pattern E)."""
        import tempfile
        from pathlib import Path

        from ..cruddur.stream import StreamRunner

        kwargs.setdefault("checkpoint_path", Path(tempfile.mkdtemp()) / "checkpoint.json")
        return StreamRunner(self.engine, self.table_name, **kwargs)

    def user(self, handle: str) -> Any:
        """A user of the directory by handle."""
        return self.users.require_handle(handle)

    def close(self) -> None:
        """Close the users directory and the engine (stopping what it started)."""
        self.users.close()
        self.engine.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(**kwargs: Any) -> Session:
    """Start a notebook session (see :class:`Session` for the parameters)."""
    return Session(**kwargs)
