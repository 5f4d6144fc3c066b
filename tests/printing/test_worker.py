"""A batch rendered by a real Celery worker (prefork pool, so its processes are daemonic) over redis."""

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CREATE = """
from django.contrib.auth.models import User
from campaign.models import Campaign, LetterTemplate
from printing.models import Group
from printing.services import batch_create
from printing.signers import SignerRow
from embassies.models import Office
campaign = Campaign.objects.create(slug="law-13673", title="Law 13673", target="Law 13673", sending_country="UA",
                                   from_email="letters@example.org")
template = LetterTemplate.objects.create(campaign=campaign, language="en", subject="A protest",
                                         body="{salutation},\\n\\nWe protest.", closing="Yours sincerely,")
for number, city in enumerate(["Praha", "Brno", "Ostrava"]):
    Office.objects.create(sending_country="UA", host_country="CZ", kind="consulate", head_title="consul",
                          name=f"Consulate of Ukraine in {city}", city=city, postcode="100 00", street_lines="Ulice 1")
group = Group.objects.create(name="Stall", country="CZ", city="Brno")
batch = batch_create(campaign=campaign, template=template, group=group, host_country="CZ", selected_offices=None,
                     signer_mode="signers", signers=[SignerRow("Anna", "Praha"), SignerRow("Petr", "Brno"),
                     SignerRow("Olena", "")])
print(batch.pk)
"""
STATUS = """
from printing.models import Batch
batch = Batch.objects.get()
print(batch.status, batch.letters_rendered, batch.pages, batch.pdf.path if batch.pdf else "-")
"""


@pytest.fixture
def run_django(django_with_worker):
    """Django commands against a file database, with redis-server and a prefork Celery worker running."""
    # prefork: the pool's processes are daemonic, which is what the batch renderer's workers must cope with.
    return django_with_worker(pool="prefork")


def test_a_prefork_worker_renders_the_batch(run_django):
    run_django(CREATE)

    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline:
        status = run_django(STATUS)
        if status.split()[0] in ("generated", "failed"):
            break
        time.sleep(1)

    state, rendered, pages, pdf_path = status.split()
    assert (state, rendered, pages) == ("generated", "9", "11"), status
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
