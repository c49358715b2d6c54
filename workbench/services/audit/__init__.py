"""The audit trail as a reader sees it, and verification of every hash, chain and signature in a
workspace.

May import: ``common``, ``store``, ``register``, ``approvals``, ``controls``,
``workbench.models``.
"""
