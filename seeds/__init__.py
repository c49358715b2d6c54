"""The question cards shipped with the workbench."""
