import pytest

from tests.factories import CampaignFactory, VerifiedOfficeFactory


@pytest.fixture(autouse=True)
def _anymail_test_backend(settings):
    """Django's test setup swaps in the locmem backend; put back anymail's, so forwarding runs anymail's code."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="law-13673", title="Against Law No. 13673")


@pytest.fixture
def offices(db):
    """Two offices in Czechia, one in Poland, and one of another state that the campaign does not write to."""
    return {
        "prague": VerifiedOfficeFactory(name="Embassy of Ukraine in Prague", city="Prague", host_country="CZ"),
        "brno": VerifiedOfficeFactory(
            name="Consulate General of Ukraine in Brno",
            city="Brno",
            host_country="CZ",
            kind="consulate_general",
            head_title="consul_general",
            phone="+420541240123",
            fax="+420541240124",
        ),
        "warsaw": VerifiedOfficeFactory(
            name="Embassy of Ukraine in Warsaw", city="Warsaw", host_country="PL", phone="+48226292222"
        ),
        "other_state": VerifiedOfficeFactory(
            name="Embassy of Moldova in Prague", city="Prague", host_country="CZ", sending_country="MD"
        ),
    }
