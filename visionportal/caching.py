"""Per-process caches for rarely changed data read on every resident request.

A value is at most `ttl` seconds old. That bounds how long a change (say, a municipality's
default language) takes to reach every web process, without a shared cache round trip on
the hot path. Tests clear every cache between tests (tests/conftest.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_caches: list[TTLCache] = []


class TTLCache:
    def __init__(self, *, ttl: float, max_entries: int = 1000):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                # Keys come from URLs, so anyone can mint new ones: bound the memory.
                self._entries.clear()
            self._entries[key] = (now + self.ttl, value)
        return value

    def discard(self, key: Hashable) -> None:
        """Forget `key` in this process (a change this process made shows at once here;
        the others see it within `ttl`)."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def register(cache) -> None:
    """Have clear_all() clear another per-process store too (anything with clear())."""
    _caches.append(cache)


def clear_all() -> None:
    for cache in _caches:
        cache.clear()
