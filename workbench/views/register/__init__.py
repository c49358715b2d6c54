"""The register pane: the artifact table, the coverage panel, the profile and the ISMS build
wizard.
"""
