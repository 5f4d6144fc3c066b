"""The shared helpers' one table: counters for the abuse guards while the cache (Redis) is down."""

from django.db import models


class GuardCount(models.Model):
    """A rate-limit count or a one-use mark, kept here only while the cache cannot count.

    Without it, a Redis outage would have to refuse every letter; with it, the guards keep counting, a little
    slower, and expired rows are deleted as new ones are written.
    """

    key = models.CharField(max_length=120, unique=True)  # hashed: no address or IP is stored
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key
