"""Standards catalogs: the clauses and controls that reference ids such as
``ISO27001:2022/6.1`` resolve to.

May import: ``common``.
"""
