"""A password context that holds every hash until the test releases it: fills the real hash
lane deterministically (imported by unit and e2e tests; tests/ is on sys.path via conftest)."""

from __future__ import annotations

import threading
import time
from typing import Any


class HeldContext:
    """Stands in for a PasswordHasher's CryptContext; each call waits for `release()`."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.gate = threading.Event()
        self.entered = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.entered += 1
            assert self.gate.wait(timeout=60), "the test never released the held hashes"
            return method(*args, **kwargs)

        return held

    def release(self) -> None:
        self.gate.set()


def hold_hashes(hasher: Any) -> HeldContext:
    held = HeldContext(hasher.context)
    hasher.context = held
    return held


def wait_until(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)
