"""Team workspaces: copying a workspace between a file and a server record for record, and
checking a server workspace out to a file for work offline, then back in.

May import: ``common``, ``store``, ``audit``, ``workbench.models``.
"""
