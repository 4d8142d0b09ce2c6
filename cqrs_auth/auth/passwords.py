"""Password hashing: one passlib CryptContext (from the maintained `libpass` fork), argon2id.

The hash lane: argon2 takes ARGON2_MEMORY_KIB per call, so hashes run on a dedicated pool of
HASH_CONCURRENCY threads, and at most HASH_QUEUE_SIZE more may wait for one. Beyond that a hash
is refused at once with ServerBusy, so a login storm never holds more threads than the lane has
room for, and every other request keeps its own threads. The dedicated threads also bound
memory: glibc keeps a malloc arena per thread that has allocated, and argon2's blocks stay in the
arena of the thread that ran them; only these HASH_CONCURRENCY threads ever do (and
`one_malloc_arena_per_thread`, which `cqrs-auth serve` calls, keeps other threads out of those
arenas). argon2-cffi releases the GIL while hashing, so the lane is also real parallelism.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from passlib.context import CryptContext

from ..domain.errors import ServerBusy
from ..tracing import traced

T = TypeVar("T")

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
RECENT_WEIGHT = 0.2  # the last hash's share of `hash_seconds`


def one_malloc_arena_per_thread(threads: int) -> bool:
    """Let up to `threads` threads each have a malloc arena of their own (glibc only).

    glibc caps its arenas at 8 per core, so a busy server's threads share them; other threads'
    small allocations then split an argon2 block freed in a shared arena, the next hash takes a
    new block, and the lane's memory grows by fragments. With an arena each, every lane thread
    reuses its one block. Returns False where the C library has no such setting.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, threads))


class PasswordHasher:
    def __init__(
        self, *, memory_kib: int, time_cost: int, concurrency: int, queue_size: int
    ) -> None:
        self.context = CryptContext(
            schemes=["argon2", "bcrypt"],  # bcrypt only to verify (and upgrade) legacy hashes
            deprecated=["bcrypt"],
            argon2__type="ID",
            argon2__memory_cost=memory_kib,
            argon2__rounds=time_cost,
            argon2__parallelism=1,
        )
        self._lane = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="hash-lane")
        self.concurrency = concurrency
        self.capacity = concurrency + queue_size
        self._room = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self.calls = 0  # how many hash or verify computations ran (tests count these)
        self.pending = 0  # how many hashes are running or waiting in the lane now
        self.hash_seconds = 0.0  # how long a hash takes on the lane lately (0 before the first)

    @traced("PasswordHasher.hash")
    def hash(self, password: str) -> str:
        return self._in_lane(self.context.hash, password)

    @traced("PasswordHasher.verify")
    def verify_and_update(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        """Check a password; on success also return a new hash if the stored one is outdated.

        With no stored hash (no such user) verify against a dummy hash anyway, so that an
        unknown email costs the same time as a wrong password.
        """
        return self._in_lane(self._verify, password, stored_hash)

    def _verify(self, password: str, stored_hash: str | None) -> tuple[bool, str | None]:
        if stored_hash is None:
            self.context.dummy_verify()
            return False, None
        return self.context.verify_and_update(password, stored_hash)

    def seconds_to_clear(self, more: int = 0) -> float:
        """How long the lane needs, at its recent pace, for the hashes in it and `more` after
        them (0 before its first hash)."""
        return (self.pending + more) * self.hash_seconds / self.concurrency

    def full(self) -> bool:
        """Whether every place in the lane is taken now (a hash now would be ServerBusy)."""
        return self.pending >= self.capacity

    def _in_lane(self, work: Callable[..., T], *args: object) -> T:
        """Run `work` on the lane and wait for it; ServerBusy, running nothing, if it is full."""
        if not self._room.acquire(blocking=False):
            raise ServerBusy()
        self._count(pending=1)
        try:
            return self._lane.submit(self._counted, work, *args).result()
        finally:
            self._count(pending=-1)
            self._room.release()

    def _counted(self, work: Callable[..., T], *args: object) -> T:
        self._count(calls=1)
        started = time.perf_counter()
        try:
            return work(*args)
        finally:
            self._took(time.perf_counter() - started)

    def _took(self, seconds: float) -> None:
        """Keep `hash_seconds` a moving average: each hash weighs a fifth."""
        with self._lock:
            last = self.hash_seconds
            self.hash_seconds = seconds if last == 0 else last + (seconds - last) * RECENT_WEIGHT

    def _count(self, *, calls: int = 0, pending: int = 0) -> None:
        with self._lock:
            self.calls += calls
            self.pending += pending

    def close(self) -> None:
        """Stop the lane's threads once the hashes in it are done."""
        self._lane.shutdown(wait=False)
