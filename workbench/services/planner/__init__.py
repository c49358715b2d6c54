"""The planner: events and their recurrence, occurrences in a date range, artifact review dates,
risk treatment actions and acceptance expiries, audit findings, the audit programme generator,
and iCalendar import and export.

May import: ``common``, ``store``, ``catalog``, ``register``, ``risks``, ``workbench.models``.
"""
