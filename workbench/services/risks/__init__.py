"""Risks: the starter library of common risk scenarios.

May import: ``common``.
"""
