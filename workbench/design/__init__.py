"""The design tools, for any model.

Model files, NoSQL Workbench and CloudFormation interop, sample data, the report notebook,
cost and drift, the operation builder (``explore``). Built on the engine and the model; may use
the Cruddur scripts that work for any model (``schema_load``, ``scan``, the plan) and the
notebook desk's frames.
"""
