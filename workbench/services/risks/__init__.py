"""Risks: the risk method as data (scales, matrix, levels, acceptance threshold), assets, risks
with their treatment and actions, the risk owners' signed acceptances, quality checks, the heat
map, spreadsheet import, the risk register and treatment plan as generated documents, and the
starter library of common risk scenarios.

May import: ``common``, ``store``, ``catalog``, ``register``, ``approvals``.
"""
