"""Pooled connections kept sound without a round trip of their own.

SQLAlchemy's usual guards each cost a statement per request: `pool_pre_ping` pings the server at
every checkout, and the pool's reset-on-return sends ROLLBACK to every connection given back,
even one whose transaction has just committed. The kit does both without talking to the server:

- **A connection the server has closed is dropped at checkout.** An idle MySQL connection never
  receives anything unasked, so if its socket is readable, the server has hung up (a restart, a
  `wait_timeout`, a killed connection: they all close the socket, often after an error packet).
  One `poll` with no wait finds that; the pool then discards the connection and takes another
  (SQLAlchemy's DisconnectionError protocol). go-sql-driver/mysql checks pooled connections the
  same way. A connection that breaks while in use still fails its statement, and SQLAlchemy then
  invalidates the whole pool, so the next requests get new connections.
- **Rollback on return only for an open transaction.** The driver knows whether a transaction
  is open (PyMySQL from the server's status flags, sqlite3 itself); only then does the pool roll
  it back.
"""

from __future__ import annotations

import select
from typing import Any

from pymysql.constants.SERVER_STATUS import SERVER_STATUS_IN_TRANS
from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import PoolResetState

CAN_POLL = hasattr(select, "poll")  # not on Windows: there the engine pings instead


def server_hung_up(dbapi_connection: Any) -> bool:
    """Whether an idle PyMySQL connection's socket is closed, or has something to read."""
    sock = getattr(dbapi_connection, "_sock", None)
    if sock is None:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)  # POLLHUP and POLLERR are always reported
    return bool(poller.poll(0))


def in_transaction(dbapi_connection: Any) -> bool:
    """Whether the driver's connection has a transaction open (True when it cannot tell)."""
    if hasattr(dbapi_connection, "server_status"):  # PyMySQL
        return bool(dbapi_connection.server_status & SERVER_STATUS_IN_TRANS)
    return bool(getattr(dbapi_connection, "in_transaction", True))  # sqlite3


def keep_sound(engine: Engine, *, check_liveness: bool) -> None:
    """Install the two guards on an engine made with `pool_reset_on_return=None`."""

    @event.listens_for(engine, "reset")
    def _end_open_transaction(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        if not (state.terminate_only or state.transaction_was_reset):
            if in_transaction(dbapi_connection):
                dbapi_connection.rollback()

    if check_liveness:

        @event.listens_for(engine, "checkout")
        def _drop_if_hung_up(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            if server_hung_up(dbapi_connection):
                raise DisconnectionError("the server closed this pooled connection")
