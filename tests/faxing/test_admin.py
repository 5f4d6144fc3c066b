"""Organisers set up the fax gateway of their own countries only; the key secret is never shown back."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import Letter, LetterChannel, LetterStatus
from faxing.models import FaxGateway, GatewayKind
from tests.factories import LetterFactory, VerifiedOfficeFactory

from .conftest import organiser_for

pytestmark = pytest.mark.django_db

ADD = reverse("admin:faxing_faxgateway_add")
CHANGELIST = reverse("admin:faxing_faxgateway_changelist")


@pytest.fixture
def organiser_cz(django_user_model):
    return organiser_for(django_user_model, username="organiser-cz", countries=["CZ"])


def sinch_form(**overrides) -> dict:
    data = {
        "host_country": "CZ",
        "kind": GatewayKind.SINCH,
        "is_active": "on",
        "address_template": "",
        "sender_email": "",
        "api_url": "https://fax.api.sinch.com",
        "project_id": "project-1",
        "key_id": "key-1",
        "key_secret": "s3cret-value",
    }
    return {**data, **overrides}


def test_an_organiser_sets_up_their_countrys_sinch_gateway_and_the_secret_is_not_shown_again(client, organiser_cz):
    client.force_login(organiser_cz)

    response = client.post(ADD, sinch_form())
    gateway = FaxGateway.objects.get()
    page = client.get(reverse("admin:faxing_faxgateway_change", args=[gateway.pk])).content.decode()

    assert response.status_code == 302
    assert gateway.key_secret == "s3cret-value"
    assert "s3cret-value" not in page


def test_an_empty_secret_keeps_the_saved_one(client, organiser_cz):
    client.force_login(organiser_cz)
    client.post(ADD, sinch_form())
    gateway = FaxGateway.objects.get()

    client.post(reverse("admin:faxing_faxgateway_change", args=[gateway.pk]), sinch_form(key_secret="", key_id="key-2"))

    gateway.refresh_from_db()
    assert (gateway.key_id, gateway.key_secret) == ("key-2", "s3cret-value")


def test_a_sinch_gateway_without_keys_is_refused_with_what_is_missing(client, organiser_cz):
    client.force_login(organiser_cz)

    response = client.post(ADD, sinch_form(project_id="", key_secret=""))

    assert response.status_code == 200
    assert "The Sinch Fax API needs: project ID, key secret." in response.content.decode()
    assert not FaxGateway.objects.exists()


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("fax@sinchfax.com", "Give an address with {number} or {digits} before the @."),
        ("{number}", "Give an address with {number} or {digits} before the @."),
        ("{number}@", "Enter a valid email address."),
    ],
)
def test_an_email_gateway_needs_an_address_with_the_number(client, organiser_cz, template, error):
    client.force_login(organiser_cz)

    response = client.post(
        ADD, sinch_form(kind=GatewayKind.EMAIL, address_template=template, project_id="", key_id="", key_secret="")
    )

    assert error in response.content.decode()
    assert not FaxGateway.objects.exists()


def test_an_organiser_can_neither_see_nor_create_another_countrys_gateway(client, organiser_cz):
    foreign = FaxGateway.objects.create(host_country="PL", kind=GatewayKind.EMAIL, address_template="{number}@f.pl")
    client.force_login(organiser_cz)

    listed = list(client.get(CHANGELIST).context["cl"].result_list)
    opened = client.get(reverse("admin:faxing_faxgateway_change", args=[foreign.pk]))
    created = client.post(ADD, sinch_form(host_country="PL"))

    assert listed == []
    assert opened.status_code == 403
    assert created.status_code == 200
    assert FaxGateway.objects.count() == 1


def test_one_gateway_per_country(client, organiser_cz):
    client.force_login(organiser_cz)
    client.post(ADD, sinch_form())

    response = client.post(ADD, sinch_form())

    assert response.status_code == 200
    assert FaxGateway.objects.count() == 1


def test_the_gateway_page_shows_what_its_faxes_did_this_week(client, organiser_cz, campaign):
    gateway = FaxGateway.objects.create(host_country="CZ", kind=GatewayKind.EMAIL, address_template="{number}@f.cz")
    prague = VerifiedOfficeFactory(host_country="CZ", fax="+420233342001")
    warsaw = VerifiedOfficeFactory(host_country="PL", fax="+48226252700")
    for office, status, reason in [
        (prague, LetterStatus.SENT, ""),
        (prague, LetterStatus.DELIVERED, ""),
        (prague, LetterStatus.FAILED, "The fax did not go through: Busy"),
        (warsaw, LetterStatus.FAILED, "The fax did not go through: No answer"),
    ]:
        LetterFactory(
            office=office, campaign=campaign, submission__campaign=campaign, channel=LetterChannel.FAX,
            status=status, failure_reason=reason,
        )  # fmt: skip
    old = LetterFactory(office=prague, campaign=campaign, submission__campaign=campaign, channel=LetterChannel.FAX)
    Letter.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(organiser_cz)

    page = client.get(reverse("admin:faxing_faxgateway_change", args=[gateway.pk])).content.decode()

    assert "Delivered: 1, Failed: 1, Sent: 1. Last failure: The fax did not go through: Busy" in page
    assert "No answer" not in page
