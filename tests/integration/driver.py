"""Run by the integration test in its own process, with config.settings.integration (the worker's settings).

python -m tests.integration.driver migrate
python -m tests.integration.driver letters <count>    # a confirmed submission: <count> letters queued
python -m tests.integration.driver sweep              # re-queue everything stuck, as the periodic task does
"""

import datetime
import os
import sys

import django
from django.core.management import call_command
from django.db import transaction

# The project's apps are imported inside the functions: their models need django.setup(), which main() runs first.


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
            letters_sweep(queued_older_than=datetime.timedelta(0), sending_older_than=datetime.timedelta(0))
    else:
        raise SystemExit(f"unknown command {command}")


def letters_create(*, count: int) -> None:
    """Through the real services: submit, then confirm with the signed token (tasks go to Redis on commit)."""
    from campaign.models import Campaign, LetterTemplate  # noqa: PLC0415  (models need django.setup())
    from campaign.services import submission_confirm, submission_create  # noqa: PLC0415  (needs django.setup())
    from campaign.services.submissions import submission_confirm_token  # noqa: PLC0415  (needs django.setup())
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


if __name__ == "__main__":
    main(sys.argv[1:])
