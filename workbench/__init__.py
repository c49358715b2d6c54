"""GRC Workbench: an offline workbench for ISO/IEC 27001 information security management systems."""

__version__ = "0.1.0"
