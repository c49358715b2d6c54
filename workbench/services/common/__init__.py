"""What every domain may use: the error root, user directories, identity, file writes, Markdown,
and the characters a typed field may hold.

Imports nothing of the workbench.
"""
