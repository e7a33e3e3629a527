"""Figure 6: items to a DataFrame, against boto3's TypeDeserializer plus pandas."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from boto3.dynamodb.types import TypeDeserializer

from workbench.cruddur.seeder import generate_messages
from workbench.desk.frames import to_frame
from workbench.model.items import to_item

from .common import Figure, interleaved_medians

PEOPLE = {
    h: {"uuid": f"u-{h}", "display_name": h.title(), "handle": h} for h in ("andrewbrown", "bayko")
}


def run(*, items: int, rounds: int = 3) -> list[Figure]:
    """The same typed items (as boto3's client returns them) through both."""
    typed = [to_item(i) for i in generate_messages(PEOPLE, datetime.now(UTC), count=items)]
    deserializer = TypeDeserializer()

    def baseline() -> pd.DataFrame:
        return pd.DataFrame(
            [{k: deserializer.deserialize(v) for k, v in item.items()} for item in typed]
        )

    medians = interleaved_medians(
        {"workbench": lambda: to_frame(typed), "TypeDeserializer": baseline}, rounds
    )
    speedup = medians["TypeDeserializer"] / medians["workbench"]
    return [
        Figure(
            6,
            f"items to DataFrame ({items:,} items) vs TypeDeserializer",
            speedup,
            ">= 2x faster",
            speedup >= 2,
            details={
                "workbench_ms": medians["workbench"] * 1000,
                "typedeserializer_ms": medians["TypeDeserializer"] * 1000,
            },
        )
    ]
