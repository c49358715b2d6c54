"""What every pane shares: the pane base class, form dialogs, badges, empty states, record tables,
rich text, settings, the PDF renderer and the export dialog.
"""
