"""NoSQL Workbench model JSON: read as its author meant it, and written back.

Reading a file (:func:`.importer.to_document`) runs in this order: :mod:`.checks` (the
file's shape, every problem with its JSON path) and :mod:`.values` (attribute values, plain
JSON inside maps included); :mod:`.tables` (which table, ``--table``); :mod:`.facets` and
:mod:`.split` (the entities: facets, else an entity-type attribute, else key prefixes);
:mod:`.entity`, :mod:`.templates` and :mod:`.naming` (key templates and their fields),
:mod:`.apart` (entities nothing else tells apart), :mod:`.links` (sample data that keeps items
under their owners); :mod:`.patterns` and :mod:`.examples` (starter access patterns that run);
:mod:`.authored` (what the author wrote that our model has no place for). Every guess is a note
whose JSON path :mod:`.paths` writes. Writing one back: :mod:`.export`, with
:mod:`.extension` and :mod:`.declared` carrying what the format cannot hold.
"""

from .export import export_notes, model_items, to_nosql_workbench, to_nosql_workbench_models
from .importer import import_document, import_model, is_nosql_workbench, read_json, to_document

__all__ = [
    "export_notes",
    "import_document",
    "import_model",
    "is_nosql_workbench",
    "model_items",
    "read_json",
    "to_document",
    "to_nosql_workbench",
    "to_nosql_workbench_models",
]
