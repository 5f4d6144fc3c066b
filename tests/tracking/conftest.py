import pytest

from tests.factories import VerifiedOfficeFactory


@pytest.fixture
def tracked_offices(db):
    """Two offices in Czechia (Brno with phone and fax), one in Poland, and one of another state not written to."""
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
