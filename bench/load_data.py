"""The data sets of bench/load.py, written with bulk_create; a larger set grows the smaller one."""

import datetime
import math

from django.utils import timezone

from django_countries import countries as all_countries

from campaign.models import Campaign, ContactChannel, ContactEvent, Letter, LetterStatus, Submission
from embassies.models import DEFAULT_HEAD_TITLE, Office, OfficeKind

SLUG = "law-13673"
COUNTRY = "CZ"
BENCH_HOST = "letters.bench.test"
LETTERS_PER_SUBMISSION = 5
SIZES = {
    "small": {"countries": 5, "per_country": 10, "events": 1_000, "letters": 1_000},
    "large": {"countries": 50, "per_country": 100, "events": 100_000, "letters": 100_000},
}


def host_countries(count: int) -> list[str]:
    others = sorted(code for code, _name in all_countries if code not in {COUNTRY, "UA"})
    return [COUNTRY, *others[: count - 1]]


def data_grow(*, countries: int, per_country: int, events: int, letters: int) -> None:
    """Adds what is missing to reach this size; every office, event and letter of a smaller size stays."""
    campaign = Campaign.objects.get(slug=SLUG)
    existing = set(Office.objects.values_list("name", flat=True))
    kinds = [OfficeKind.EMBASSY, OfficeKind.CONSULATE, OfficeKind.CONSULATE, OfficeKind.HONORARY_CONSULATE]
    new_offices = [
        Office(
            sending_country="UA",
            host_country=code,
            kind=kinds[index % len(kinds)] if index else OfficeKind.EMBASSY,
            head_title=DEFAULT_HEAD_TITLE[kinds[index % len(kinds)] if index else OfficeKind.EMBASSY],
            name=f"Office {code} {index}",
            city=f"City {index % 17}",
            street_lines=f"Street {index} {index % 9 + 1}",
            postcode=f"{10000 + index}",
            email=f"{code.lower()}{index}@offices.{BENCH_HOST}",
            source="bench",
            verified_on=datetime.date(2026, 1, 1),
            verified_by="bench",
        )
        for code in host_countries(countries)
        for index in range(per_country)
        if f"Office {code} {index}" not in existing
    ]
    Office.objects.bulk_create(new_offices, batch_size=2000)
    offices = list(Office.objects.order_by("pk").values_list("pk", flat=True))
    channels = [ContactChannel.POST, ContactChannel.CALL, ContactChannel.MAILTO, ContactChannel.EMAIL_SENT]
    now = timezone.now()
    start = ContactEvent.objects.count()
    ContactEvent.objects.bulk_create(
        (
            ContactEvent(
                campaign=campaign,
                office_id=offices[(n * 7) % len(offices)],
                channel=channels[n % len(channels)],
                quantity=1,
                occurred_at=now - datetime.timedelta(minutes=n % 50_000),
            )
            for n in range(start, events)
        ),
        batch_size=5000,
    )
    start = Letter.objects.count()
    submissions = Submission.objects.bulk_create(
        (
            Submission(
                campaign=campaign,
                language="en",
                interface_language="en",
                name=f"Supporter {n}",
                city="Brno",
                email=f"supporter{n}@{BENCH_HOST}",
                sender_hash=f"{n:064x}",
                subject="A protest",
                body="A letter.",
                confirmed_at=now,
            )
            for n in range(start // LETTERS_PER_SUBMISSION, math.ceil(letters / LETTERS_PER_SUBMISSION))
        ),
        batch_size=5000,
    )
    Letter.objects.bulk_create(
        (
            Letter(
                submission=submission,
                campaign=campaign,
                office_id=offices[(submission.pk * LETTERS_PER_SUBMISSION + k) % len(offices)],
                sender_hash=submission.sender_hash,
                status=LetterStatus.SENT,
                sent_at=now,
            )
            for submission in submissions
            for k in range(LETTERS_PER_SUBMISSION)
        ),
        batch_size=5000,
    )
