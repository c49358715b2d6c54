"""What every domain may use: the error root, user directories, identity, file writes, Markdown.

Imports nothing of the workbench.
"""
