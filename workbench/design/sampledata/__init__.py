"""Sample data for any model: seeded, realistic items generated from the entity declarations.

Each attribute's ``generate:`` hint (see ``docs/model-files.md``) says how its values are made:
a Faker provider (``email``, ``name``, ``{faker: bothify, args: {...}}``), ``uuid``,
``timestamp``, ``{int: {min, max}}``, ``{float: {min, max}}``, ``{choice: [...]}``,
``{const: V}``, or ``{ref: Parent.field}``, which makes the entity a child of ``Parent``: its
items are generated per parent item (for example 3 to 8 order items per order). An optional
skew gives a few parents most of the children (hot partitions). The same seed gives the same
items; a model file's ``sample_data:`` section sets the counts and the seed::

    sample_data:
      seed: 7
      counts:
        Customer: 20                                  # a top-level entity: how many
        Order: {per_parent: [1, 6], skew: 1.2}        # per parent item, Zipf-like skew
        OrderItem: {per_parent: [3, 8]}

Or the items given in the file (each entity's ``samples:``) are used as they are.
"""

from .generate import (
    entity_counts,
    file_samples,
    fresh_fields,
    generate,
    partition_sizes,
    sample_items,
    skew_ratio,
)
from .load import Loaded, load, load_file
from .spec import (
    DEFAULT_NOW,
    DEFAULT_PER_PARENT,
    DEFAULT_TOTAL,
    SOURCES,
    Count,
    SampleSpec,
    read_spec,
)
from .values import generation_order, parent_of

__all__ = [
    "DEFAULT_NOW",
    "DEFAULT_PER_PARENT",
    "DEFAULT_TOTAL",
    "SOURCES",
    "Count",
    "Loaded",
    "SampleSpec",
    "entity_counts",
    "file_samples",
    "fresh_fields",
    "generate",
    "generation_order",
    "load",
    "load_file",
    "parent_of",
    "partition_sizes",
    "read_spec",
    "sample_items",
    "skew_ratio",
]
