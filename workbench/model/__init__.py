"""The single-table model: pure data and request builders (no boto3, no pandas, no network)."""

from .core import Model
from .cruddur import CRUDDUR, GSI_NAME, MESSAGE, MESSAGE_GROUP, SEED_GROUP_UUID, TABLE_NAME
from .entities import Entity, KeyTemplate
from .patterns import AccessPattern
from .requests import Request
from .table import GlobalIndex, TableSpec, Throughput

__all__ = [
    "CRUDDUR",
    "GSI_NAME",
    "MESSAGE",
    "MESSAGE_GROUP",
    "SEED_GROUP_UUID",
    "TABLE_NAME",
    "AccessPattern",
    "Entity",
    "GlobalIndex",
    "KeyTemplate",
    "Model",
    "Request",
    "TableSpec",
    "Throughput",
]
