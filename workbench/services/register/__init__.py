"""The ISMS register: the workspace profile, artifacts and their immutable, hash-chained
versions, templates, the "Build ISMS Components" workflow, clause coverage and the register
table's queries.

May import: ``common``, ``store``, ``catalog``, ``workbench.models``.
"""
