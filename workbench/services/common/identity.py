"""Who is using the workbench: the name written as author, actor and "prepared by".

The window asks the consultant's name and initials at first start and keeps them in
``identity.json`` in the user config folder, a file the command line reads too (without Qt).
On the command line a name given with ``--as`` comes first, then ``WORKBENCH_USER``, then the
saved name. With none of these the login name is used, and the command says so: a record must
never carry an account name like "root" without anyone noticing.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from workbench.services.common.errors import ServiceError
from workbench.services.common.paths import config_dir

ENVIRONMENT_VARIABLE = "WORKBENCH_USER"
FILE_NAME = "identity.json"
MAX_INITIALS = 4
HOW_TO_SET = (
    f"pass --as NAME, set {ENVIRONMENT_VARIABLE}, or save your name with "
    "`workbench consultant NAME`"
)


class IdentityError(ServiceError):
    """The name or initials given cannot be used; the message is for the user."""


class Source(StrEnum):
    """Where the acting name came from."""

    OPTION = "--as"
    ENVIRONMENT = ENVIRONMENT_VARIABLE
    SETTINGS = "settings"
    ACCOUNT = "login name"


@dataclass(frozen=True)
class Consultant:
    name: str
    initials: str = ""
    source: Source = Source.SETTINGS

    @property
    def is_account_fallback(self) -> bool:
        return self.source is Source.ACCOUNT

    @property
    def label(self) -> str:
        return f"{self.name} ({self.initials})" if self.initials else self.name


def suggest_initials(name: str) -> str:
    """``"Mara van Tester"`` gives ``"MVT"``: the first letter of each word, at most four."""
    letters = [word[0] for word in name.replace("-", " ").split() if word[0].isalpha()]
    return "".join(letters[:MAX_INITIALS]).upper()


def identity_path() -> Path:
    return config_dir() / FILE_NAME


def _clean(name: str, initials: str) -> tuple[str, str]:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise IdentityError("a name is needed: it is written on every version and audit entry")
    short = "".join(initials.split()).upper() or suggest_initials(cleaned)
    if len(short) > MAX_INITIALS:
        raise IdentityError(f"initials have at most {MAX_INITIALS} letters, not '{short}'")
    return cleaned, short


def saved_consultant() -> Consultant | None:
    """The name saved on this computer, or None (never saved, or the file is unreadable)."""
    try:
        data = json.loads(identity_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    try:
        name, initials = _clean(data["name"], str(data.get("initials") or ""))
    except IdentityError:
        return None
    return Consultant(name, initials, Source.SETTINGS)


def save_consultant(name: str, initials: str = "") -> Consultant:
    """Keep the consultant's name for the window and the command line.

    Raises:
        IdentityError: the name is empty or the initials are too long.
    """
    from workbench.services.common.fileio import atomic_path

    cleaned, short = _clean(name, initials)
    target = identity_path()
    text = json.dumps({"name": cleaned, "initials": short}, ensure_ascii=False, indent=2)
    try:
        with atomic_path(target) as temporary:
            temporary.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise IdentityError(f"cannot save your name in {target}: {error.strerror}") from error
    return Consultant(cleaned, short, Source.SETTINGS)


def account_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve(option: str | None = None) -> Consultant:
    """The acting person on the command line: ``--as``, ``WORKBENCH_USER``, the saved name,
    else the login name (``source`` says which; see :func:`account_notice`)."""
    if option is not None and option.strip():
        name = " ".join(option.split())
        return Consultant(name, suggest_initials(name), Source.OPTION)
    from_environment = " ".join(os.environ.get(ENVIRONMENT_VARIABLE, "").split())
    if from_environment:
        return Consultant(from_environment, suggest_initials(from_environment), Source.ENVIRONMENT)
    saved = saved_consultant()
    if saved is not None:
        return saved
    account = account_name()
    return Consultant(account, suggest_initials(account), Source.ACCOUNT)


def window_consultant() -> Consultant:
    """The acting person in the window: the name it asked for first (the window asks when none
    is saved), then ``WORKBENCH_USER``, then the login name."""
    return saved_consultant() or resolve()


def account_notice(consultant: Consultant) -> str:
    """One line telling that the login name stands in for the consultant's, and how to fix it."""
    return f"acting as the login name '{consultant.name}'; {HOW_TO_SET}"


def current_user() -> str:
    """The name services record when no caller gave one (a new workspace's first entry)."""
    return resolve().name
