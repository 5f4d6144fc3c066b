import io

from django.urls import reverse

import pytest
from pypdf import PdfReader

from embassies.models import HeadTitle, OfficeKind
from tests.factories import LetterTemplateFactory, OfficeFactory, VerifiedOfficeFactory, started_long_ago

GLYPHS = "č ř ł ß ї є ґ – “ ” ’"
BODY = (
    "{salutation},\n\n"
    "We are addressing you on behalf of the citizens of {host_country} – people who stand on the side of "
    "human dignity. We ask you to convey our “concerns” to the Government’s ministers.\n\n"
    f"Glyph check: {GLYPHS}."
)


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def print_campaign(campaign):
    """The sample campaign with letters that test the PDF fonts: English full of glyphs, and Ukrainian."""
    campaign.templates.filter(language="en").update(body=BODY)
    LetterTemplateFactory(
        campaign=campaign,
        language="uk",
        subject="Протест проти закону № 13673",
        body="{salutation},\n\nМи звертаємося до вас від імені громадян країни {host_country}: її, єдність, ґанок.",
        closing="З повагою,",
    )
    return campaign


@pytest.fixture
def template(print_campaign):
    return print_campaign.templates.get(language="en")


@pytest.fixture
def print_offices(db):
    """Offices of Ukraine, each with its own head and postal address: three in Czechia, one in Poland.

    The honorary consulate is unverified and has no email address: only paper reaches it.
    """
    return {
        "embassy": VerifiedOfficeFactory(
            name="Embassy of Ukraine in the Czech Republic",
            city="Praha 6",
            street_lines="Charlese de Gaulla 29",
            postcode="160 00",
        ),
        "consulate": VerifiedOfficeFactory(
            name="Consulate of Ukraine in Brno",
            city="Brno",
            street_lines="Kounicova 19",
            postcode="602 00",
            kind=OfficeKind.CONSULATE,
            head_title=HeadTitle.CONSUL,
        ),
        "honorary": OfficeFactory(
            name="Honorary Consulate of Ukraine in Ostrava",
            city="Ostrava",
            street_lines="Nádražní 1",
            postcode="702 00",
            kind=OfficeKind.HONORARY_CONSULATE,
            head_title=HeadTitle.HONORARY_CONSUL,
            email="",
        ),
        "poland": VerifiedOfficeFactory(
            name="Embassy of Ukraine in Poland",
            host_country="PL",
            city="Warszawa",
            street_lines="al. Szucha 7",
            postcode="00-580",
        ),
    }


@pytest.fixture
def czech_offices(print_offices):
    """The three Czech offices of `print_offices`, in the order a batch prints them."""
    return [print_offices["embassy"], print_offices["consulate"], print_offices["honorary"]]


@pytest.fixture
def post_letter(client, print_campaign, print_offices):
    def send(**overrides):
        data = {
            "offices": [str(print_offices["embassy"].pk), str(print_offices["honorary"].pk)],
            "language": "en",
            "name": "Jana Nováková",
            "city": "Brno",
            "personal_paragraph": "My neighbour fled the draft; he is not a criminal.",
            "subject": "A protest against Law No. 13673",
            "body": print_campaign.templates.get(language="en").body,
            "website": "",
            "form_started": started_long_ago(),
            "paper": "a4",
        }
        data.update(overrides)
        return client.post(reverse("printing:supporter_pdf", kwargs={"slug": print_campaign.slug, "cc": "cz"}), data)

    return send
