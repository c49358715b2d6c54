"""Where the workbench keeps its files, and where its shipped resources are."""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

APP_NAME = "GRC Workbench"
APP_AUTHOR = "GRC Workbench"
WORKSPACE_SUFFIX = ".grcw"


def data_dir() -> Path:
    """The user data directory; ``WORKBENCH_DATA_DIR`` overrides it (tests, portable installs)."""
    override = os.environ.get("WORKBENCH_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    """The user config directory (settings, key store); ``WORKBENCH_CONFIG_DIR`` overrides it."""
    override = os.environ.get("WORKBENCH_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    """Files the workbench can rebuild (parsed cards); ``WORKBENCH_CACHE_DIR`` overrides it."""
    override = os.environ.get("WORKBENCH_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def default_workspace_path() -> Path:
    return data_dir() / f"default{WORKSPACE_SUFFIX}"


def resource(*parts: str) -> Traversable:
    """A file or folder shipped in ``resources/`` (inside the installed package)."""
    node = resources.files("workbench.resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def seeds_dir() -> Path:
    """The folder of shipped question cards (a real directory in a checkout or a wheel)."""
    return Path(str(resources.files("workbench.seeds")))
