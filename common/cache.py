"""A Redis cache that keeps pages answering while Redis is down.

Reads miss and writes are dropped, so cached pages are computed from the database instead. Counting
operations (add, incr, decr) cannot pretend: they raise CacheUnavailable, and the abuse guards that rely on
them turn that into a clear "try again shortly" for the visitor (common.abuse.GuardUnavailable).
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, NoReturn

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_WARN_EVERY_SECONDS = 30.0
_last_warning = 0.0


class CacheUnavailable(Exception):
    """The cache cannot count right now."""


def _answer_when_down(method: Callable, fallback: Callable) -> Callable:
    """The cache method, answering fallback(*arguments) when Redis cannot be reached."""

    @functools.wraps(method)
    def resilient(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except REDIS_DOWN as error:
            _outage_log(method.__name__, error)
            return fallback(*args, **kwargs)

    return resilient


def _cannot_count(*args: Any, **kwargs: Any) -> NoReturn:
    raise CacheUnavailable


def _outage_log(operation: str, error: Exception) -> None:
    global _last_warning  # noqa: PLW0603  (one warning per interval for the whole process)
    now = time.monotonic()
    if now - _last_warning > _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("cache unavailable during %s: %s", operation, error.__class__.__name__)


class ResilientRedisCache(RedisCache):
    get = _answer_when_down(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _answer_when_down(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _answer_when_down(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _answer_when_down(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _answer_when_down(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _answer_when_down(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _answer_when_down(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _answer_when_down(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _answer_when_down(RedisCache.clear, lambda *args, **kwargs: False)
    add = _answer_when_down(RedisCache.add, _cannot_count)
    incr = _answer_when_down(RedisCache.incr, _cannot_count)
    decr = _answer_when_down(RedisCache.decr, _cannot_count)

    def get_or_set(self, key: Any, default: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> Any:
        try:
            return super().get_or_set(key, default, timeout, version)
        except CacheUnavailable:
            return default() if callable(default) else default
