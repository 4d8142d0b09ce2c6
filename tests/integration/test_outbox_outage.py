"""A database outage while signups run: the app reaches MariaDB through a TCP proxy the test can
cut. Events whose dispatch the outage broke are delivered by the relay once the database is
back, without a restart, and every user gets exactly one welcome mail. And a database restart
(every connection dropped) costs no request an error, though the pool sends no ping."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from conftest import reset_mysql  # tests/conftest.py
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cqrs_auth import UserCreatedEvent, bootstrap
from cqrs_auth.adapters.tables import events, mail_outbox, users
from cqrs_auth.service.relay import OutboxRelay

from .helpers import PASSWORD, count, log_in, sign_up


class CuttableProxy:
    """Forwards 127.0.0.1:port to the database; `cut()` drops every connection and refuses new
    ones (they are closed at once) until `restore()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for end in self.sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


class CutsTheDatabaseOnce:
    """An event handler that cuts the database while the first signup's event is dispatched:
    the welcome mail, the dispatch record and giving the claim back all fail."""

    def __init__(self, proxy: CuttableProxy) -> None:
        self.proxy, self.fired = proxy, False

    def execute(self, event: UserCreatedEvent) -> None:
        if not self.fired:
            self.fired = True
            self.proxy.cut()


@pytest.mark.mysql
def test_events_an_outage_left_undispatched_are_delivered_once_it_ends_without_a_restart(
    mysql_url,
):
    reset_mysql(mysql_url)
    real = make_url(mysql_url)
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 3306)
    proxied = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = bootstrap(proxied, RELAY_LEASE_SECONDS=1)
    app.event_bus.register(UserCreatedEvent, CutsTheDatabaseOnce(proxy))
    relay = OutboxRelay(app.dispatcher, interval=0.2)
    relay.start()
    failed = []
    try:
        sign_up(app, "user0", "user0@example.org")  # committed; then the database went away
        for number in range(1, 40):
            if number == 10:
                proxy.restore()
            try:
                sign_up(app, f"user{number}", f"user{number}@example.org")
            except Exception as error:  # noqa: BLE001 - refused while the database is away
                failed.append((number, type(error).__name__))
            time.sleep(0.05)
        deadline = time.monotonic() + 30
        while count(app, events, events.c.dispatchedAt.is_(None)):
            assert time.monotonic() < deadline, "the relay never delivered what the outage left"
            time.sleep(0.1)
    finally:
        relay.stop()
        app.close()
        proxy.close()
    assert failed and all(number < 10 for number, _ in failed)  # the outage was real
    checker = bootstrap(mysql_url, start=False)
    try:
        with checker.engine.connect() as connection:
            created = dict(
                connection.execute(
                    select(events.c.id, events.c.aggregateId).where(
                        events.c.type == "UserCreatedEvent"
                    )
                ).all()
            )
            mails = list(connection.scalars(select(mail_outbox.c.causationId)))
            user_count = connection.scalar(select(func.count()).select_from(users))
        assert user_count == len(created) == 40 - len(failed)
        assert sorted(mails) == sorted(created)  # one mail per user, user0's included
    finally:
        checker.close()


@pytest.mark.mysql
def test_after_the_database_drops_every_connection_the_next_requests_succeed_at_once(mysql_url):
    reset_mysql(mysql_url)
    real = make_url(mysql_url)
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 3306)
    proxied = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = bootstrap(proxied)
    try:
        sign_up(app)
        log_in(app)
        pooled = app.engine.pool.checkedin()
        proxy.cut()  # as a restart does: the server closes every connection
        proxy.restore()
        time.sleep(0.2)  # the connections' ends see the close
        for _ in range(pooled + 1):  # every pooled connection is found closed and replaced
            assert log_in(app).user.email == "ada@example.org"
            token = app.local_strategy.validate("ada@example.org", PASSWORD).access_token
            assert app.graphql("{ me { username } }", token=token) == {
                "data": {"me": {"username": "ada"}}
            }
    finally:
        app.close()
        proxy.close()
