"""The audit trail as a reader sees it; verification of every hash, chain, signature, key and
record in a workspace, risk acceptances and evidence included; checking a workspace as a whole,
and backing it up.

May import: ``common``, ``store``, ``register``, ``approvals``, ``risks``, ``controls``,
``planner``, ``workbench.models``.
"""
