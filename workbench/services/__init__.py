"""The workbench's domain, free of Qt: one package per domain, imports pointing down only.

From the bottom up (a package may import only packages listed before it, and ``workbench.models``):

- ``common``: the error root, user directories, identity, atomic file writes, Markdown to HTML,
  time zones, the CSV and XLSX writers every spreadsheet goes through, and the characters a
  typed field may hold;
- ``store``: opening and migrating a workspace, the audit log, change sets, the write wrapper,
  stored values it cannot read;
- ``catalog``: the standards catalogs behind reference ids such as ``ISO27001:2022/6.1``;
- ``cards``: question cards, their checks, the search index and the card actions;
- ``register``: the profile, artifacts and their immutable versions, templates, the ISMS build,
  coverage and the register table;
- ``approvals``: people and their keys, signatures, review rounds and signed decisions;
- ``documents``: editing (saving and restoring versions), drafts, comparing versions;
- ``risks``: the risk method, assets, risks and their treatment, signed risk acceptance, quality
  checks, spreadsheet import, the generated risk register and treatment plan, the scenario library;
- ``controls``: control records, the evidence vault and its file store, the generated Statement
  of Applicability;
- ``planner``: events, recurrence, occurrences, review dates, risk deadlines, control target
  dates and evidence expiries, findings, the audit programme and iCalendar import and export;
- ``dashboard``: the readiness figures and their charts;
- ``audit``: reading the audit trail, verifying every hash, chain, signature, key and record
  (risk acceptances and evidence included), checking and backing up a workspace;
- ``exports``: documents as Markdown, HTML, Word and PDF, publishing, the register as a
  spreadsheet and the audit pack;
- ``team``: copying a workspace between a file and a server, check-out and check-in.

A test (``tests/test_layers.py``) fails when an import points up or closes a circle.
"""
