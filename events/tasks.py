"""Celery tasks of the events app: thin, take ids, safe to run twice."""

from celery import shared_task


@shared_task(name="events.event_contacts_purge")
def event_contacts_purge_task() -> int:
    from .services import event_contacts_purge

    return event_contacts_purge()


@shared_task(name="events.event_proposed_notify")
def event_proposed_notify_task(event_id: int) -> bool:
    from .services import event_proposed_notify

    return event_proposed_notify(event_id=event_id)
