"""What every domain may use: the error root, user directories, identity, file writes, Markdown,
time zones, text safe for file formats and the characters a typed field may hold, and the
spreadsheet (CSV, XLSX) and Office package writers every export shares.

Imports nothing of the workbench but its version number.
"""
