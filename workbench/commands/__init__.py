"""Subcommands of ``workbench``: one module per area, each adding its parsers with ``add_to``."""
