"""The audit trail as a reader sees it, and verification of every hash, chain and signature in a
workspace, risk acceptances included.

May import: ``common``, ``store``, ``register``, ``approvals``, ``risks``, ``workbench.models``.
"""
