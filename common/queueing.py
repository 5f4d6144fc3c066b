"""Queue a Celery task once the surrounding transaction commits, without failing the request when the broker
is down: the work is already stored, and the periodic sweeps pick it up again."""

import logging
from typing import Any

from django.db import transaction

from celery import Task
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, RedisConnectionError)


def task_queue_on_commit(task: Task, *args: Any) -> None:
    transaction.on_commit(lambda: task_queue_now(task, *args))


def task_queue_now(task: Task, *args: Any) -> bool:
    """Hand the task to the broker now. False (and a log line with ids only) when the broker is down."""
    try:
        task.delay(*args)
    except BROKER_DOWN as error:
        logger.warning("broker unavailable, %s%r left for the sweep: %s", task.name, args, error.__class__.__name__)
        return False
    return True
