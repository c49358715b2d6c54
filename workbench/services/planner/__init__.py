"""The planner: events and their recurrence, occurrences in a date range, artifact review dates,
audit findings, the audit programme generator, and iCalendar import and export.

May import: ``common``, ``store``, ``catalog``, ``register``, ``controls``,
``workbench.models``.
"""
