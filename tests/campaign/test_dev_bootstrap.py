"""`make run`'s bootstrap, then the issue's walkthrough: write to the Czech offices of the sample directory."""

import io
import re

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse

import pytest

from campaign.models import Campaign, Letter, LetterStatus
from embassies.models import Office
from embassies.selectors import office_queryset_for_user
from tests.factories import started_long_ago

from .conftest import confirm_link

pytestmark = pytest.mark.django_db(transaction=True)


def bootstrap() -> str:
    out = io.StringIO()
    call_command("dev_bootstrap", stdout=out)
    return out.getvalue()


def test_bootstrap_refuses_outside_development(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("dev_bootstrap", stdout=io.StringIO())
    assert not Office.objects.exists()


def test_bootstrap_loads_samples_and_prints_a_working_organiser_login(settings):
    settings.DEBUG = True

    bootstrap()
    output = bootstrap()  # `make run` runs it every time

    host_countries = set(Office.objects.values_list("host_country", flat=True))
    assert {"CZ", "SK", "AT", "DE", "PL", "IT"} <= host_countries
    assert Campaign.objects.filter(slug="law-13673", is_open=True).count() == 1
    password = re.search(r"password: (\S+)", output).group(1)
    organiser = authenticate(RequestFactory().post("/admin/login/"), username="organiser", password=password)
    assert organiser is not None and organiser.is_staff and not organiser.is_superuser
    assert organiser.groups.filter(name="Organisers").exists()
    assert office_queryset_for_user(user=organiser).count() == Office.objects.count()
    assert not Office.objects.filter(verified_on__isnull=True).exclude(email="").exists()


def test_walkthrough_sample_letter_to_the_czech_offices(client, settings, outbox):
    settings.DEBUG = True
    bootstrap()
    settings.DEBUG = False
    form_url = reverse("campaign:letter_form", args=["law-13673", "cz"])
    form = client.get(form_url).context["form"]
    chosen = [str(pk) for pk in form.initial["offices"]]
    czech_emailable = Office.objects.emailable().filter(host_country="CZ", sending_country="UA")
    assert chosen and set(chosen) == {str(office.pk) for office in czech_emailable}

    response = client.post(
        form_url,
        {
            "action": "email",
            "offices": chosen,
            "language": "en",
            "name": "Jana Nováková",
            "city": "Brno",
            "email": "jana@example.org",
            "personal_paragraph": "My neighbour fled the draft.",
            "website": "",
            "form_started": started_long_ago(),
        },
    )
    assert response.status_code == 302
    status_page = client.post(confirm_link(outbox[0]).replace("http://127.0.0.1:8000", ""), follow=True)

    assert status_page.content.decode().count('data-status="sent"') == len(chosen)
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.SENT}
    letters = {message.to[0]: message for message in outbox[1:]}
    embassy = czech_emailable.get(kind="embassy")
    text = letters[embassy.email].body
    assert text.startswith("Dear Ambassador,\n\nWe are addressing you on behalf of the citizens of Czechia ")
    assert "[your country]" not in text and "{" not in text
    assert "My neighbour fled the draft." in text
    assert text.rstrip().endswith("Yours sincerely,\nJana Nováková\nBrno")
