"""Controls: one record per Annex A control (and per custom or privacy control) with its
applicability, reasons, justification, status, owner and target date; the evidence vault, whose
files are stored in the workspace by their SHA-256 and streamed in chunks; and the Statement of
Applicability generated from the records as a new version of the SoA document.

May import: ``common``, ``store``, ``catalog``, ``register``, ``approvals``, ``documents``,
``risks``, ``workbench.models``.
"""
