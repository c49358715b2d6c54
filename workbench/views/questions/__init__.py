"""The question browser pane: searching cards, reading one, following its links and actions."""
