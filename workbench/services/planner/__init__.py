"""The planner: events and their recurrence, occurrences in a date range, artifact review dates,
risk treatment actions and acceptance expiries, control target dates and evidence expiries,
audit findings, the audit programme generator, and iCalendar import and export.

May import: ``common``, ``store``, ``catalog``, ``register``, ``risks``, ``controls``,
``workbench.models``.
"""
