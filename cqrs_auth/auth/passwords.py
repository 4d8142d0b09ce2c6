"""Password hashing: one passlib CryptContext (from the maintained `libpass` fork), argon2id.

argon2 takes its memory per call (19 MiB at the OWASP minimum), so the number of hashes running
at once is bounded by a semaphore: a login storm queues instead of eating the machine's memory.
argon2-cffi releases the GIL while hashing, so the bound is also real parallelism.
"""

from __future__ import annotations

import threading

from passlib.context import CryptContext

from ..tracing import traced


class PasswordHasher:
    def __init__(self, *, memory_kib: int, time_cost: int, concurrency: int) -> None:
        self.context = CryptContext(
            schemes=["argon2", "bcrypt"],  # bcrypt only to verify (and upgrade) legacy hashes
            deprecated=["bcrypt"],
            argon2__type="ID",
            argon2__memory_cost=memory_kib,
            argon2__rounds=time_cost,
            argon2__parallelism=1,
        )
        self._slots = threading.BoundedSemaphore(concurrency)
        self._calls_lock = threading.Lock()
        self.calls = 0  # how many hash or verify computations ran (tests count these)

    def _count_call(self) -> None:
        with self._calls_lock:
            self.calls += 1

    @traced("PasswordHasher.hash")
    def hash(self, password: str) -> str:
        with self._slots:
            self._count_call()
            return self.context.hash(password)

    @traced("PasswordHasher.verify")
    def verify_and_update(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        """Check a password; on success also return a new hash if the stored one is outdated.

        With no stored hash (no such user) verify against a dummy hash anyway, so that an
        unknown email costs the same time as a wrong password.
        """
        with self._slots:
            self._count_call()
            if stored_hash is None:
                self.context.dummy_verify()
                return False, None
            return self.context.verify_and_update(password, stored_hash)
