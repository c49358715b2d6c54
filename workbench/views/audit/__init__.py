"""The audit trail pane, and writing the audit pack."""
