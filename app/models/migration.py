"""Bringing a portfolio file up to this version's format, or putting it back as it was.

``app.models.opening`` calls ``migrate`` only for a file in an older format, holding
the writer lock and after the checked backup (``app.models.backup``); importing this
module loads SQLAlchemy and Alembic, so nothing else on the way to a window imports it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NoReturn

from app.errors import PortfolioError
from app.models.backup import put_back, stage_copy
from app.models.db import make_engine, upgrade

log = logging.getLogger(__name__)


def migrate(path: Path, saved: Path, *, keep_backup: bool) -> None:
    """Upgrade the file at ``path`` to the head; if that fails, put it back from the
    backup ``saved`` and say so. ``saved`` is removed afterwards unless ``keep_backup``."""
    engine = make_engine(path)
    try:
        upgrade(engine)
    except Exception as exc:
        engine.dispose()
        log.exception("Migration of %s failed", path)
        _put_back(path, saved, exc, keep_backup=keep_backup)
    finally:
        engine.dispose()
    if not keep_backup:
        saved.unlink(missing_ok=True)


def _put_back(path: Path, saved: Path, exc: Exception, *, keep_backup: bool) -> NoReturn:
    why = str(getattr(exc, "orig", None) or exc).strip() or type(exc).__name__
    try:
        put_back(stage_copy(saved, path), path)
    except Exception as restore_exc:
        raise PortfolioError(
            f"Updating {path} to this version's file format failed ({why}), and putting "
            f"it back failed too ({str(restore_exc).rstrip('.')}); your data is safe in {saved}: "
            "restore it "
            f"with 'portfolio --file {path} restore {saved}'."
        ) from exc
    if not keep_backup:
        saved.unlink(missing_ok=True)
    where = f" (a copy stays in {saved})" if keep_backup else ""
    raise PortfolioError(
        f"Updating {path} to this version's file format failed ({why}); it has been put "
        f"back exactly as it was before{where}. Please report this problem."
    ) from exc
