"""CSV files the app writes and reads: one place for the rules every such file follows.

Written: every cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is neutralised with a leading ``'``
(as is a cell that already starts with ``'``, so reading it back is exact).

Read: NUL bytes, a column named twice and an unterminated quote are refused in one
sentence naming the line, instead of being read as something else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from app.errors import InvalidInputError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(value: str) -> str:
    """``'=1+1`` for ``=1+1``: a spreadsheet shows it as text instead of running it."""
    return "'" + value if value.startswith(FORMULA_START) else value


def restore(value: str) -> str:
    """What ``neutralise`` was given (a cell that did not need it is returned as it is)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text (CRLF lines, as spreadsheets write) with every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    writer.writerows([neutralise("" if c is None else str(c)) for c in row] for row in rows)
    return out.getvalue()


def read_csv(text: str, what: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header (names stripped, lower case) and the rows as (line number, cells).

    Refuses NUL bytes, a column named twice and a quote left open, naming the line;
    ``what`` names the file in messages ("The CSV file").
    """
    text = text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a BOM
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InvalidInputError(
            f"{what} has a NUL character on line {line}; it is not CSV text (save it as CSV)."
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise _unreadable(what, reader.line_num, exc) from exc
    if not first or not any(cell.strip() for cell in first):
        raise InvalidInputError(f"{what} is empty; its first line must be the column names.")
    header = [cell.strip().lower() for cell in first]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise InvalidInputError(f"{what} names the column '{name}' twice (line 1).")
        seen.add(name)

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = reader.line_num + 1  # where the next row begins
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _unreadable(what, start, exc) from exc
            yield start, cells

    return header, rows()


def _unreadable(what: str, line: int, exc: csv.Error) -> InvalidInputError:
    reason = str(exc)
    if "unexpected end of data" in reason:
        return InvalidInputError(
            f'{what} has a quote (") opened in the row starting on line {line} that is never '
            "closed."
        )
    return InvalidInputError(f"{what} cannot be read at line {line}: {reason}.")
