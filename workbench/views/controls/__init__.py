"""The Controls pane: the control records, their guidance and evidence, and the SoA actions."""
