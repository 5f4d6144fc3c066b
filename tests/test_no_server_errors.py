"""No input makes a public page, form, link or webhook answer 500 (Hypothesis, a bounded number of examples)."""

import base64
import json

from django.test import Client

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faxing.models import FaxGateway, GatewayKind
from tests.factories import VerifiedOfficeFactory, started_long_ago
from tests.fuzzing import FUZZ, TEXT

pytestmark = pytest.mark.django_db

IDS = st.one_of(TEXT, st.integers(min_value=-(2**70), max_value=2**70).map(str))
LANGUAGES = ["en", "cs", "uk", "de", "fr"]
ACTIONS = st.sampled_from(["preview", "email", "fax", "mailto", "contact_form", "language", "print", "", "x"])
PAGE_TOKENS = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="/?#"), min_size=1)
WEBHOOK_AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"test:test-webhook-secret").decode()}


@pytest.fixture
def site(campaign):
    offices = [
        VerifiedOfficeFactory(name="Embassy", city="Praha", fax="+420233342001"),
        VerifiedOfficeFactory(name="Consulate"),
    ]
    FaxGateway.objects.create(host_country="CZ", kind=GatewayKind.EMAIL, address_template="{number}@sinchfax.com")
    return campaign, offices


def answered(response) -> int:
    assert response.status_code < 500, response.content[:500]
    return response.status_code


@FUZZ
@given(language=st.sampled_from(LANGUAGES), cc=PAGE_TOKENS, query=st.dictionaries(TEXT, TEXT, max_size=3))
def test_letter_pages_answer_any_address_and_query(site, language, cc, query):
    client = Client()
    answered(client.get(f"/{language}/c/law-13673/{cc}/", query))
    answered(client.get(f"/{language}/c/law-13673/", query))
    answered(client.get(f"/{language}/c/{cc}/"))


@FUZZ
@given(
    action=ACTIONS,
    offices=st.lists(IDS, max_size=4),
    fields=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(
            ("language", "name", "city", "email", "personal_paragraph", "send_copy", "paper", "website"), TEXT
        ),
    ),
    marked=st.lists(IDS, max_size=3),
    mark_sent=IDS,
    use_real_offices=st.booleans(),
)
def test_the_letter_form_answers_any_post(site, action, offices, fields, marked, mark_sent, use_real_offices):
    campaign, real_offices = site
    if use_real_offices:
        offices = [str(office.pk) for office in real_offices]
    data = {
        "action": action,
        "offices": offices,
        "form_started": started_long_ago(),
        "marked": marked,
        "mark_sent": mark_sent,
        **fields,
    }
    client = Client()
    answered(client.post("/en/c/law-13673/cz/", data))
    answered(client.post("/cs/print/law-13673/cz/letter.pdf", data))


@FUZZ
@given(token=PAGE_TOKENS, language=st.sampled_from(LANGUAGES))
def test_links_from_emails_answer_any_token(site, token, language):
    client = Client()
    answered(client.get(f"/{language}/c/law-13673/confirm/{token}/"))
    answered(client.post(f"/{language}/c/law-13673/confirm/{token}/"))
    answered(client.get(f"/{language}/c/law-13673/letters/{token}/"))
    answered(client.get(f"/{language}/progress/survey/{token}/"))
    answered(client.post(f"/{language}/progress/survey/{token}/"))


@FUZZ
@given(office=PAGE_TOKENS, country=PAGE_TOKENS, query=st.dictionaries(TEXT, TEXT, max_size=3))
def test_directory_and_progress_pages_answer_any_address(site, office, country, query):
    client = Client()
    answered(client.get(f"/en/progress/law-13673/office/{office}/", query))
    answered(client.post(f"/en/progress/law-13673/office/{office}/", query))
    answered(client.get("/en/progress/law-13673/", query))
    answered(client.get(f"/en/embassies/{country}/", query))
    answered(client.get(f"/en/embassies/{country}/offices.csv", query))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
POSTMARK_KEYS = st.sampled_from(
    ["RecordType", "MessageID", "Recipient", "Email", "Type", "From", "FromFull", "To", "ToFull", "Cc", "CcFull",
     "OriginalRecipient", "Subject", "TextBody", "HtmlBody", "Attachments", "Metadata", "Headers", "MessageStream",
     "DeliveredAt", "BouncedAt", "ID", "Details", "Description"]
)  # fmt: skip
POSTMARK_LIKE = st.dictionaries(POSTMARK_KEYS, JSON_VALUES, max_size=10)
JSON = {"content_type": "application/json"}
BODIES = st.one_of(
    st.binary(max_size=300),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    POSTMARK_LIKE.map(lambda value: json.dumps(value).encode()),
)


@FUZZ
@given(body=BODIES, authenticated=st.booleans())
def test_webhooks_answer_any_body_with_or_without_auth(site, body, authenticated):
    client = Client()
    headers = WEBHOOK_AUTH if authenticated else {}
    tracking = answered(client.post("/webhooks/anymail/postmark/tracking/", data=body, **JSON, **headers))
    inbound = answered(client.post("/webhooks/anymail/postmark/inbound/", data=body, **JSON, **headers))
    if not authenticated:
        assert tracking in (400, 401, 403) and inbound in (400, 401, 403)
    else:
        assert tracking in (200, 400)
        # Inbound mail is never refused for its content: what cannot be read is kept raw for triage.
        assert inbound == 200
