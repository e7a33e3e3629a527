"""Capacity computed from DynamoDB's documented rules: see :mod:`workbench.model.capacity`.

Kept as the short import path; the rules live in the pure model layer so the request layer,
the notebooks and the benchmarks share one implementation.
"""

from .model.capacity import *  # noqa: F403
from .model.capacity import __all__  # noqa: F401
