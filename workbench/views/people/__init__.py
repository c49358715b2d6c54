"""The People pane: who owns, reviews and approves, their roles and signing keys."""
