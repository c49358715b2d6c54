"""The documents pane: the editor with live preview, version history, comparing versions, and the
approval dialogs (people, review requests, signing) and document actions.
"""
