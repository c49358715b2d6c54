"""Approvals: people and their signing keys (append-only key records), Ed25519 signatures,
review rounds and signed decisions on one exact version.

May import: ``common``, ``store``, ``register``, ``workbench.models``.
"""
