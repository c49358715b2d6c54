"""Editing documents: saving and restoring versions (which cancels a pending review of an older
text), the editor's draft buffer, and comparing versions.

May import: ``common``, ``store``, ``register``, ``approvals``, ``workbench.models``.
"""
