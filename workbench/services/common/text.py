"""Characters in text: what a field may hold when it is stored, and what a file may show.

Stored fields are checked once, here, for every service that stores typed text. A single-line
field (a title, a name, an owner, a location, a role) holds no control character and no
bidirectional formatting character: a NUL or an escape code breaks the files the field is
written to, and a right-to-left override makes ``Policy.exe`` show as something else, in the
register as in the auditor's spreadsheet. Multi-line text (notes, comments, reasons) keeps line
breaks and tabs; a document's Markdown keeps carriage returns too, as files from Windows have
them.

Files are written defensively all the same (a workspace edited behind the app's back may hold
anything): XML 1.0 (inside Word and Excel files) forbids most control characters, and a
spreadsheet, a PDF or a printed page has no use for them, so :func:`printable` replaces them
with U+FFFD and the reader sees that something was there.
"""

from __future__ import annotations

import re
import unicodedata

from workbench.services.common.errors import ServiceError

# Unicode's control characters (C0, DEL, C1) and lone surrogates, which no file can encode.
_CONTROL = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
# Embedding, override and isolate controls: they reorder the text that follows them.
_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
# ...and the direction marks (LRM, RLM, ALM), which change nothing but how a line reads.
_MARKS = "\u200e\u200f\u061c"

_SINGLE_LINE_BAD = re.compile(f"[{_CONTROL}{_OVERRIDES}{_MARKS}]")
_MULTI_LINE_BAD = re.compile(f"[{_CONTROL}{_OVERRIDES}]")
_DOCUMENT_BAD = re.compile(f"[{_CONTROL}]")
_ALLOWED_IN_MULTI_LINE = "\n\t"
_ALLOWED_IN_DOCUMENT = "\n\r\t"


class TextError(ServiceError):
    """A field holds a character it may not; the message names the field and the character."""


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if re.match(f"[{_OVERRIDES}{_MARKS}]", char):
        kind = "the bidirectional formatting character"
    else:
        kind = "the control character"
    name = unicodedata.name(char, "") or {"\x00": "NUL", "\x1b": "ESCAPE"}.get(char, "")
    return f"{kind} {code}" + (f" ({name})" if name else "")


def _first_bad(text: str, pattern: re.Pattern[str], allowed: str) -> str | None:
    for match in pattern.finditer(text):
        if match.group() not in allowed:
            return match.group()
    return None


def single_line(value: str, what: str) -> str:
    """``value`` without its surrounding spaces, or TextError when it holds a line break, any
    other control character or a bidirectional formatting character."""
    text = value.strip()
    bad = _first_bad(text, _SINGLE_LINE_BAD, "")
    if bad is None:
        return text
    if bad in "\r\n":
        raise TextError(f"The {what} must be one line.")
    raise TextError(f"The {what} may not contain {_describe(bad)}; remove it and try again.")


def multi_line(value: str, what: str) -> str:
    """``value`` with Windows and old Mac line ends made ``\\n``, without surrounding spaces;
    TextError when it holds a control character other than a line break or a tab, or a
    bidirectional override or isolate."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _first_bad(text, _MULTI_LINE_BAD, _ALLOWED_IN_MULTI_LINE)
    if bad is not None:
        raise TextError(f"The {what} may not contain {_describe(bad)}; remove it and try again.")
    return text


def document_text(value: str, what: str = "document") -> str:
    """A document's Markdown, unchanged (its hash is what approvers sign), or TextError when
    it holds a control character other than line ends and tabs. Direction controls stay: a
    document in a right-to-left language may need them, and no cell or file name shows it."""
    bad = _first_bad(value, _DOCUMENT_BAD, _ALLOWED_IN_DOCUMENT)
    if bad is not None:
        raise TextError(f"The {what} may not contain {_describe(bad)}; remove it and try again.")
    return value


def optional_single_line(value: str | None, what: str) -> str | None:
    return None if value is None else single_line(value, what)


def optional_multi_line(value: str | None, what: str) -> str | None:
    return None if value is None else multi_line(value, what)


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
