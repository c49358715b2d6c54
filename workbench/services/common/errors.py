"""The root of every error a user can cause or fix.

``str(error)`` is one sentence for the user: what is wrong and, where it helps, what to do.
The command line prints it and exits with 2; a view shows it in a message. Anything that is not
a :class:`ServiceError` is a defect: it goes to the log with one line for the user.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Bad input, an unusable file, a step the workflow does not allow: the user can act on it."""


class NotFoundError(ServiceError):
    """An id, name or file the user named does not exist."""
