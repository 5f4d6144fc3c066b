"""Hostile input in URLs and posted ids gets a clear answer, never a server error."""

import pytest

from campaign.models import ContactEvent, Submission
from tests.factories import CampaignFactory, VerifiedOfficeFactory

FORM_URL = "/en/c/law-13673/cz/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("office_id", ["99999999999999999999", "9" * 19, "0" * 40])
def test_an_office_id_too_large_for_the_database_is_404(client, office_id):
    campaign = CampaignFactory()
    response = client.get(f"/en/progress/{campaign.slug}/office/{office_id}/")
    assert response.status_code == 404


def test_the_largest_id_the_database_holds_is_still_looked_up(client):
    campaign = CampaignFactory()
    office = VerifiedOfficeFactory()
    assert client.get(f"/en/progress/{campaign.slug}/office/{office.pk}/").status_code == 200
    assert client.get(f"/en/progress/{campaign.slug}/office/{'9' * 18}/").status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "1²", "99999999999999999999", "-1", " 1"])
def test_marks_that_are_not_plain_ids_count_nothing(client, campaign, offices, letter_data, value):
    response = client.post(FORM_URL, letter_data(action="mailto", mark_sent=value, marked=[value]))

    assert response.status_code == 200
    assert not ContactEvent.objects.exists()


@pytest.mark.parametrize(
    "address",
    ['"a\\x01b"@example.com', '"a b"@example.com', "a..b@example.com", ".a@example.com", "jana\u00e9@example.org"],
)
def test_an_address_the_esp_would_refuse_is_a_form_error(client, campaign, offices, letter_data, address):
    address = address.encode().decode("unicode_escape") if "\\x" in address else address
    response = client.post(FORM_URL, letter_data(action="email", email=address))

    assert response.status_code == 200
    assert "Mail services cannot deliver to this address" in response.content.decode()
    assert not Submission.objects.exists()


def test_an_ordinary_address_with_plus_and_dots_is_accepted(client, campaign, offices, letter_data):
    response = client.post(FORM_URL, letter_data(action="email", email="jana.novakova+letters@example.org"))
    assert response.status_code == 302
