"""Export and import a table as DynamoDB JSON lines, the format of DynamoDB's export to S3.

One line per item, ``{"Item": {"pk": {"S": "..."}, "n": {"N": "42"}, "b": {"B": "<base64>"}}}``:
the data files of an S3 export (``DYNAMODB_JSON``, gzipped) and what ``ImportTable`` reads.
An export is written atomically, so a failure never leaves a half file behind; an import
checks the whole file before it writes anything.
"""

from .export import ExportResult, export_table
from .importer import ImportResult, import_table
from .lines import TransferError, export_line, read_items

__all__ = [
    "ExportResult",
    "ImportResult",
    "TransferError",
    "export_line",
    "export_table",
    "import_table",
    "read_items",
]
