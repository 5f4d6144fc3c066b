"""The organisers' weekly digest: once per organiser and ISO week, and only when something waits for them."""

import datetime
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.mail import mail_send

from ..emails import digest_message_build
from ..models import DigestSent
from ..selectors import digest_compute, digest_recipients, iso_week

logger = logging.getLogger(__name__)


def digest_send(*, user: AbstractBaseUser, week: str) -> bool:
    """Send this week's digest to one organiser. False when there is nothing to tell or it already went out.

    The week is claimed before sending, so two runs at once send one digest; a failed send gives the claim back
    for the next run.
    """
    digest = digest_compute(user=user)
    if digest.is_empty:
        return False
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(user=user, week=week)
    except IntegrityError:
        return False
    try:
        mail_send(digest_message_build(digest=digest, to=user.email, week=week))
    except Exception:
        claim.delete()
        raise
    logger.info("digest sent user_id=%s week=%s", user.pk, week)
    return True


def digests_send(*, today: datetime.date | None = None) -> int:
    """The weekly run: every active organiser's digest for this ISO week. Returns how many were sent."""
    week = iso_week(day=today or timezone.localdate())
    sent = 0
    for user in digest_recipients():
        try:
            sent += digest_send(user=user, week=week)
        except Exception:  # one organiser's mail failing must not stop the others'; the next run retries
            logger.exception("digest failed user_id=%s week=%s", user.pk, week)
    return sent
