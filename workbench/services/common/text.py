"""Text made safe for the file formats the workbench writes.

XML 1.0 (inside Word and Excel files) forbids most control characters, and a spreadsheet, a
PDF or a printed page has no use for them: a NUL typed or pasted into a title must not stop an
export. Such characters are replaced with U+FFFD, so the reader sees that something was there.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the
# non-characters U+FFFE and U+FFFF; and lone surrogates, which no file format can encode.
_NOT_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?|\n|\t")


def printable(text: str) -> str:
    """``text`` with every control character but tab and line breaks replaced."""
    return _NOT_PRINTABLE.sub(REPLACEMENT, text)


def one_line(text: str) -> str:
    """``text`` for a single-line place (a title, a header): printable, breaks as spaces."""
    return _LINE_BREAKS.sub(" ", printable(text))
