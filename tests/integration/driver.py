"""Run by the integration test in its own process, with config.settings.integration (the worker's settings).

python -m tests.integration.driver migrate
python -m tests.integration.driver letters <count>    # a confirmed submission: <count> letters queued
python -m tests.integration.driver sweep              # re-queue everything stuck, as the periodic task does
python -m tests.integration.driver form <count>       # a supporter posts the letter form to <count> offices
python -m tests.integration.driver confirm <link>     # the supporter presses the button behind the emailed link
python -m tests.integration.driver supporter-mail-sweep <minutes>  # the supporter-mail sweep, <minutes> later
python -m tests.integration.driver webhook <json>     # Postmark posts a tracking event to the app
python -m tests.integration.driver state              # letters, submissions, contacts

Requests go through django.test.Client in this process: the project's URLs, middleware and views, as a web
process would run them. Every command but migrate and letters prints one JSON object: what it did, and `state()`
after it (each start of this process costs a second or two of Django set-up, so one call answers both).
"""

import base64
import datetime
import json
import os
import sys
import time
import traceback
from collections import Counter
from urllib.parse import urlsplit

import django
from django.core.management import call_command
from django.db import transaction

# The project's apps are imported inside the functions: their models need django.setup(), which main() runs first.

TRACKING_WEBHOOK = "/webhooks/anymail/postmark/tracking/"


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.integration")
    django.setup()

    command = argv[0]
    if command == "migrate":
        call_command("migrate", verbosity=0)
    elif command == "letters":
        letters_create(count=int(argv[1]))
    elif command == "sweep":
        from campaign.services import letters_sweep  # noqa: PLC0415  (needs django.setup())

        with transaction.atomic():
            requeued = letters_sweep(queued_older_than=datetime.timedelta(0), sending_older_than=datetime.timedelta(0))
        answer({"requeued": len(requeued)})
    elif command == "form":
        answer(form_post(count=int(argv[1])))
    elif command == "confirm":
        answer(confirm(link=argv[1]))
    elif command == "supporter-mail-sweep":
        answer(supporter_mail_sweep_later(minutes=int(argv[1])))
    elif command == "webhook":
        answer(webhook_post(payload=json.loads(argv[1])))
    elif command == "state":
        answer({})
    else:
        raise SystemExit(f"unknown command {command}")


def answer(result: dict) -> None:
    print(json.dumps({**result, **state()}))


def campaign_with_offices(*, count: int) -> tuple:
    """The campaign, its English letter, and `count` verified consulates in Czechia."""
    from campaign.models import Campaign, LetterTemplate  # noqa: PLC0415  (models need django.setup())
    from embassies.models import HeadTitle, Office, OfficeKind  # noqa: PLC0415  (models need django.setup())

    campaign = Campaign.objects.create(
        slug="integration",
        title="Integration",
        target="Law No. 13673",
        sending_country="UA",
        from_email="letters@example.org",
    )
    template = LetterTemplate.objects.create(
        campaign=campaign,
        language="en",
        subject="A protest",
        body="{salutation},\n\nCitizens of {host_country}.",
        closing="Yours sincerely,",
    )
    offices = [
        Office.objects.create(
            sending_country="UA",
            host_country="CZ",
            kind=OfficeKind.CONSULATE,
            head_title=HeadTitle.CONSUL,
            name=f"Consulate {index}",
            city=f"City {index}",
            email=f"office{index}@example.org",
            verified_on=datetime.date(2026, 1, 1),
        )
        for index in range(count)
    ]
    return campaign, template, offices


def letters_create(*, count: int) -> None:
    """Through the real services: submit, then confirm with the signed token (tasks go to Redis on commit)."""
    from campaign.services import submission_confirm, submission_create  # noqa: PLC0415  (needs django.setup())
    from campaign.services.submissions import submission_confirm_token  # noqa: PLC0415  (needs django.setup())

    campaign, template, offices = campaign_with_offices(count=count)
    submission = submission_create(
        campaign=campaign,
        template=template,
        offices=offices,
        name="Jana Nováková",
        city="Brno",
        email="jana@example.org",
        subject=template.subject,
        body=template.body,
        personal_paragraph="Why I write.",
        send_copy=False,
        interface_language="en",
    )
    result = submission_confirm(token=submission_confirm_token(submission=submission), interface_language="en")
    print(result.outcome.value)


def client():
    from django.test import Client  # noqa: PLC0415  (needs django.setup())

    # A server error is an answer to report (status 500, with `error_of`), not an exception in this process.
    return Client(raise_request_exception=False)


def error_of(response) -> dict:
    """The exception behind a server error, to show in the test's failure."""
    exc_info = getattr(response, "exc_info", None)
    return {"error": "".join(traceback.format_exception(*exc_info))[-3000:]} if exc_info else {}


def form_post(*, count: int) -> dict:
    """A supporter sends the letter form by email: what the page answered, and what the database holds."""
    from django.core import signing  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from common.abuse import FILL_TIME_SALT  # noqa: PLC0415  (needs django.setup())

    campaign, template, offices = campaign_with_offices(count=count)
    response = client().post(
        reverse("campaign:letter_form", args=[campaign.slug, "cz"]),
        {
            "action": "email",
            "offices": [str(office.pk) for office in offices],
            "language": template.language,
            "name": "Jana Nováková",
            "city": "Brno",
            "email": "jana@example.org",
            "personal_paragraph": "Why I write.",
            "subject": template.subject,
            "body": template.body,
            "website": "",
            "form_started": signing.dumps(time.time() - 60, salt=FILL_TIME_SALT),  # filled in at a person's pace
        },
    )
    return {
        "status": response.status_code,
        "location": response.get("Location", ""),
        "paused": "Sending by email is paused" in response.content.decode(errors="replace"),
        **error_of(response),
    }


def confirm(*, link: str) -> dict:
    """POST the confirmation link's page (its button), then open the page it leads to."""
    parts = urlsplit(link)
    browser = client()
    response = browser.post(parts.path)
    location = response.get("Location", "")
    followed = browser.get(location).status_code if location else None
    return {"status": response.status_code, "location": location, "page_status": followed, **error_of(response)}


def supporter_mail_sweep_later(*, minutes: int) -> dict:
    """The periodic supporter-mail sweep, run as if `minutes` had passed since the supporter's emails were due.

    The sweep leaves fresh submissions to their own task for a grace period, and a claim to its worker until it
    is stale. The claims are moved back by `minutes` (the worker that re-claims compares with the real clock);
    created_at stays, since the links' tokens are made from it, and the sweep is given a clock `minutes` ahead.
    """
    from django.db.models import F  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from campaign.models import Submission  # noqa: PLC0415  (models need django.setup())
    from campaign.services.supporter_mail import supporter_mail_sweep  # noqa: PLC0415  (needs django.setup())

    later = datetime.timedelta(minutes=minutes)
    Submission.objects.filter(confirmation_claimed_at__isnull=False).update(
        confirmation_claimed_at=F("confirmation_claimed_at") - later
    )
    Submission.objects.filter(copy_claimed_at__isnull=False).update(copy_claimed_at=F("copy_claimed_at") - later)
    return {"queued": supporter_mail_sweep(now=timezone.now() + later)}


def webhook_post(*, payload: dict) -> dict:
    """Postmark posts one tracking event, with the webhook's basic-auth credentials (ANYMAIL WEBHOOK_SECRET)."""
    from django.conf import settings  # noqa: PLC0415

    credentials = base64.b64encode(settings.ANYMAIL["WEBHOOK_SECRET"].encode()).decode()
    response = client().post(
        TRACKING_WEBHOOK,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    return {"status": response.status_code, **error_of(response)}


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def state() -> dict:
    from campaign.models import ContactEvent, Letter, Submission  # noqa: PLC0415  (models need django.setup())

    letters = Letter.objects.select_related("office").order_by("pk")
    return {
        "letters": [
            {
                "ref": letter.reply_token,
                "status": letter.status,
                "attempts": letter.attempts,
                "esp_message_id": letter.esp_message_id,
                "failure_reason": letter.failure_reason,
                "queued_at": _when(letter.queued_at),
                "next_attempt_at": _when(letter.next_attempt_at),
                "sent_at": _when(letter.sent_at),
                "soft_bounced_at": _when(letter.soft_bounced_at),
                "office_email": letter.office.email,
                "office_flagged_at": _when(letter.office.email_flagged_at),
            }
            for letter in letters
        ],
        "submissions": [
            {
                "confirmed_at": _when(submission.confirmed_at),
                "confirmation_claimed_at": _when(submission.confirmation_claimed_at),
                "confirmation_sent_at": _when(submission.confirmation_sent_at),
            }
            for submission in Submission.objects.order_by("pk")
        ],
        "contacts": dict(Counter(ContactEvent.objects.values_list("channel", flat=True))),
    }


if __name__ == "__main__":
    main(sys.argv[1:])
