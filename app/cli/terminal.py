"""Everything the ``portfolio`` command prints passes through here: no control characters.

Titles, names, imported standards, file names and error messages are the user's (or
an attacker's) text. Printed raw, an ESC sequence in a title could recolour, rewrite
or hide what the terminal shows (or, on some terminals, answer back). So while a
command runs, standard output and standard error are wrapped: every C0 and C1 control
character except newline and tab, DEL, the bidirectional overrides and isolates, and
the Unicode line and paragraph separators are shown as ``\\uXXXX``.

Stored text is never changed. ``--json`` stays valid JSON with the same values:
``json.dumps`` already escapes C0 characters, and ``\\uXXXX`` inside a JSON string is
exactly the character it replaces.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline; DEL; C1
    "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks, overrides, isolates
    "\u2028\u2029]"  # line and paragraph separators
)


def sanitise(text: str) -> str:
    """``text`` with every character a terminal would act on shown as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream that writes ``sanitise``-d text to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(sanitise(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, fileno, isatty, encoding, buffer…


@contextmanager
def safe_terminal() -> Iterator[None]:
    """Sanitise ``sys.stdout`` and ``sys.stderr`` for the duration of the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(out) if out is not None else out
    sys.stderr = SafeStream(err) if err is not None else err
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
