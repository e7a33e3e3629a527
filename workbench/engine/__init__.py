"""The engine layer: where requests go.

Engines (local server, endpoint, moto, AWS), ``send`` (limits checked first, capacity computed
after), batching, the managed server (guard, persistence, process), the moto patches, and
export/import. Imports only the model and the base modules (errors, paths, constants, clock).
"""
