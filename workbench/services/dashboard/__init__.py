"""The readiness dashboard: how far the ISMS is from an audit, in figures. Applicable controls
implemented per theme and overall, the documents meeting clauses 4 to 10 and their approval
state, what needs attention (overdue reviews, open findings, expired and expiring evidence,
documents still holding placeholders), and the same as JSON and SVG for the audit pack.

May import: ``common``, ``store``, ``catalog``, ``register``, ``approvals``, ``documents``,
``risks``, ``controls``, ``planner``, ``workbench.models``.
"""
