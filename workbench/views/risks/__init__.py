"""The Risks pane: the risk register table, the heat map, the risk editor and their dialogs."""
