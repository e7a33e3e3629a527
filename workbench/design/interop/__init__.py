"""Interop with other tools: NoSQL Workbench model JSON and CloudFormation templates."""

from .nosql.export import export_notes, model_items, to_nosql_workbench, to_nosql_workbench_models
from .nosql.importer import import_document, import_model, is_nosql_workbench, to_document

__all__ = [
    "export_notes",
    "import_document",
    "import_model",
    "is_nosql_workbench",
    "model_items",
    "to_document",
    "to_nosql_workbench",
    "to_nosql_workbench_models",
]
