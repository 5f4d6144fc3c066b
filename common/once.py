"""Run a block at most once per key, across task redeliveries, using the cache."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

# Longer than any redelivery or retry of a task can take.
ONCE_TIMEOUT_SECONDS = 7 * 24 * 3600


@contextmanager
def once(key: str) -> Iterator[bool]:
    """Yields True the first time for this key, False afterwards; a block that raises may run again."""
    if not cache.add(f"once:{key}", 1, timeout=ONCE_TIMEOUT_SECONDS):
        yield False
        return
    try:
        yield True
    except BaseException:
        cache.delete(f"once:{key}")  # not done: let the retry do it
        raise
