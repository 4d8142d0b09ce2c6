"""The SQLite engine opens a new database file while another connection holds it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import text

from cqrs_auth.adapters.db import make_engine


def test_a_connection_waits_for_wal_mode_while_another_holds_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # a new file, still in rollback-journal mode, held
    holder.execute("CREATE TABLE t (x INTEGER)")
    release = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    release.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            mode = connection.execute(text("PRAGMA journal_mode")).scalar()
    finally:
        release.join()
        engine.dispose()
        holder.close()
    assert mode == "wal"
