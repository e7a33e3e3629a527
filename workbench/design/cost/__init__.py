"""What a design costs and where it runs hot: traffic profiles, prices, cost per pattern,
GSI write amplification, hot partitions, and drift between engines (``docs/cost.md``)."""

from .measure import Measured, Sample, measure, percentile, spread
from .prices import HOURS_PER_MONTH, PriceError, Prices, prices, regions
from .study import CostStudy, open_study
from .traffic import (
    EntityTraffic,
    PatternTraffic,
    Traffic,
    TrafficProblems,
    load_traffic,
    traffic_from_document,
    traffic_path,
)

__all__ = [
    "HOURS_PER_MONTH",
    "CostStudy",
    "EntityTraffic",
    "Measured",
    "PatternTraffic",
    "PriceError",
    "Prices",
    "Sample",
    "Traffic",
    "TrafficProblems",
    "load_traffic",
    "measure",
    "open_study",
    "percentile",
    "prices",
    "regions",
    "spread",
    "traffic_from_document",
    "traffic_path",
]
