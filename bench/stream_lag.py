"""Figure 5: from a message's write to both group summaries showing it, with the runner."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from workbench.cruddur.app import Messenger
from workbench.cruddur.stream import StreamRunner
from workbench.cruddur.stream.handler import summaries
from workbench.model import SEED_GROUP_UUID

from .common import Figure, percentile


def run(engine: Any, table: str, users: Any, *, messages: int) -> list[Figure]:
    """Write messages one at a time; time until both summaries carry each one."""
    app = Messenger(engine, users, table)
    client = engine.client("dynamodb")
    lags: list[float] = []
    checkpoint = Path(tempfile.mkdtemp()) / "lag.json"
    with StreamRunner(engine, table, checkpoint_path=checkpoint) as runner:
        runner.wait_until_caught_up(timeout=60)
        for index in range(messages):
            sent = app.send_message(
                "bayko", f"lag probe {index}", message_group_uuid=SEED_GROUP_UUID
            )
            written = time.perf_counter()
            deadline = written + 30
            while time.perf_counter() < deadline:
                found = summaries(client, table, SEED_GROUP_UUID)
                if len(found) == 2 and all(s["sk"] == sent.created_at for s in found):
                    break
                time.sleep(0.005)
            lags.append(time.perf_counter() - written)
    p50, p95 = percentile(lags, 0.5), percentile(lags, 0.95)
    return [
        Figure(
            5,
            f"stream lag p50 over {messages} messages (p95 {p95:.2f}s)",
            p50,
            "p50 <= 0.5 s",
            p50 <= 0.5,
            unit=" s",
            details={
                "p50_s": p50,
                "p95_s": p95,
                "max_s": max(lags),
                "poll_interval_s": runner.poll_interval,
            },
        )
    ]
