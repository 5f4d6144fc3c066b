"""The numbers move when the other apps do their work through their own services."""

from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, LetterStatus
from campaign.services.outbox import letter_mark_sent
from printing.models import Batch, BatchStatus, Group, SignerMode
from printing.services import batch_mark_posted, supporter_letters_pdf
from tests.factories import LetterFactory
from tracking.services.delivery import letter_delivery_apply

pytestmark = pytest.mark.django_db


def _totals(client, campaign) -> dict:
    return client.get(reverse("tracking:progress", args=[campaign.slug])).context["progress"].totals


def test_sending_delivering_printing_and_posting_move_the_progress_page(client, campaign, tracked_offices, settings):
    # The page keeps its figures for a minute (test_progress_scale.py); here every view recomputes them.
    settings.PROGRESS_CACHE_SECONDS = 0
    template = campaign.templates.get(language="en")
    assert sum(_totals(client, campaign).values()) == 0

    letter = LetterFactory(
        submission__campaign=campaign, office=tracked_offices["brno"], status=LetterStatus.SENDING, sent_at=None
    )
    letter_mark_sent(letter=letter, esp_message_id="esp-1")
    assert _totals(client, campaign)[ContactChannel.EMAIL_SENT] == 1

    letter_delivery_apply(event_type="delivered", message_id="esp-1", event_id="evt-1", timestamp=timezone.now())
    assert _totals(client, campaign)[ContactChannel.EMAIL_DELIVERED] == 1

    supporter_letters_pdf(
        campaign=campaign,
        template=template,
        offices=[tracked_offices["prague"], tracked_offices["warsaw"]],
        name="A. Supporter",
        city="Brno",
        subject=template.subject,
        body=template.body,
        personal_paragraph="",
        paper="a4",
        client_ip="192.0.2.1",
        browser="a browser",
    )
    assert _totals(client, campaign)[ContactChannel.PDF] == 2

    batch = Batch.objects.create(
        campaign=campaign,
        template=template,
        group=Group.objects.create(name="Brno group", country="CZ"),
        host_country="CZ",
        whole_country=False,
        signer_mode=SignerMode.GROUP,
        copies_per_office=3,
        status=BatchStatus.PRINTED,
    )
    batch.offices.set([tracked_offices["prague"], tracked_offices["brno"]])
    batch_mark_posted(batch=batch, posted_on=timezone.localdate())
    assert _totals(client, campaign)[ContactChannel.POST] == 6
