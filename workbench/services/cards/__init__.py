"""Question cards: loading and checking card files, the search index, cross references between
cards, and the registry of card actions.

May import: ``common``, ``catalog``.
"""
