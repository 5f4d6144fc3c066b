"""Settings for bench/load.py: production's, plus a minimal view to compare with and limits a load test needs.

Everything else is config.settings.prod as deployed (PostgreSQL, Redis cache and broker, gunicorn). Differences:
- ROOT_URLCONF adds /bench/minimal/ (bench/load_urls.py), a view that renders nothing, through the same middleware;
- the static manifest is built without compression: collectstatic is faster, and no page measured serves static;
- BENCH_PAGE_CACHE=1 puts Django's per-language page cache (cache_page's middleware, in Redis) around every page,
  to compare with the proxy's cache;
- the letter POST's rate limits and minimum fill time come from the environment bench/load.py sets.
"""

from config.settings.env import env
from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

if env.bool("BENCH_PAGE_CACHE", False):
    MIDDLEWARE = [  # noqa: F405
        "django.middleware.cache.UpdateCacheMiddleware",
        *MIDDLEWARE,  # noqa: F405
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    CACHE_MIDDLEWARE_SECONDS = PUBLIC_CACHE_SECONDS  # noqa: F405
    CACHE_MIDDLEWARE_KEY_PREFIX = "bench-page"
