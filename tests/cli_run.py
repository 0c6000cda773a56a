"""Running the ``portfolio`` command in-process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``portfolio ARGS…``: its exit status (argparse's usage errors and --version too),
    and what it printed on stdout and stderr."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
