"""Data shipped with the workbench: catalogs, templates, style sheet, icons."""
