"""The workspace store: opening, creating, migrating and copying a workspace, the hash-chained
audit log, change sets and the one write path (:func:`~workbench.services.store.writes.run_write`).

May import: ``common``, ``workbench.models``.
"""
