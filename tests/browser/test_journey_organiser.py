"""An organiser of Czechia signs in to the admin, imports two offices from a CSV (preview, then confirm), marks one
verified, and finds it in the public directory. Chromium at 390 and 1280 px, with JavaScript on and off."""

from pathlib import Path

from django.contrib.auth.models import Group

import pytest
from playwright.sync_api import Page, expect

from common.permissions import ORGANISERS_GROUP
from embassies.models import Office
from embassies.services import organiser_scope_set
from tests.browser.screenshots import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-olena-123456"
OFFICES_CSV = (
    "sending_country,host_country,kind,name,city,street_lines,postcode,email,phone,languages,source,source_date\n"
    "UA,CZ,embassy,,Praha,Charlese de Gaulla 29,160 00,emb_cz@mfa.example,+420 233 342 000,"
    '"uk,cs",https://czechia.mfa.example,2026-01-01\n'
    "UA,CZ,consulate,,Brno,Šumavská 416/15,602 00,brno@mfa.example,541 211 004,,https://example.org/brno,2026-01-01\n"
)


@pytest.fixture
def organiser(django_user_model):
    """A staff member in the Organisers group who looks after Czechia."""
    user = django_user_model.objects.create_user(username="olena", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=["CZ"])
    return user


@pytest.fixture
def upload(tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text(OFFICES_CSV, encoding="utf-8")
    return path


def admin_sign_in(visit: Visit, live_server_url: str) -> None:
    page = visit.page
    page.goto(live_server_url + "/admin/")
    page.get_by_label("Username").fill("olena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    visit.look()
    page.get_by_role("link", name="Offices", exact=True).first.click()
    page.get_by_role("link", name="Import", exact=True).click()
    visit.look()


def import_preview(page: Page, upload: Path) -> None:
    page.get_by_label("File to import").set_input_files(upload)
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Embassy of Ukraine in Czechia").first).to_be_visible()


def test_organiser_imports_offices_and_marks_one_verified(visit, live_server, organiser, upload):
    page = visit.page
    admin_sign_in(visit, live_server.url)

    import_preview(page, upload)
    visit.look("admin-import-preview")
    assert not Office.objects.exists()  # a preview writes nothing

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Import finished")).to_be_visible()
    assert sorted(Office.objects.values_list("name", "phone", "verified_on")) == [
        ("Consulate of Ukraine in Brno", "+420541211004", None),
        ("Embassy of Ukraine in Czechia", "+420233342000", None),
    ]
    visit.look()

    page.get_by_role("checkbox", name="Embassy of Ukraine in Czechia").check()
    page.get_by_role("combobox", name="Action").select_option(label="Mark verified today")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 office marked verified.")).to_be_visible()
    visit.look()
    embassy, consulate = Office.objects.order_by("-kind")
    assert embassy.verified_on is not None and embassy.verified_by == "olena"
    assert consulate.city == "Brno" and consulate.verified_on is None

    page.goto(live_server.url + "/en/embassies/cz/")
    embassy_card = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Embassy of Ukraine in Czechia")
    )
    consulate_card = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name="Consulate of Ukraine in Brno")
    )
    expect(embassy_card).to_contain_text("Last verified")
    expect(consulate_card).to_contain_text("Unverified")
    visit.look("directory")


@pytest.mark.parametrize("visit", [(1280, False)], ids=["1280-nojs"], indirect=True)
def test_admin_import_preview_fits_the_screen_and_the_csp(visit, live_server, organiser, upload):
    admin_sign_in(visit, live_server.url)

    import_preview(visit.page, upload)

    assert visit.page.locator("[style]").count() == 0  # style attributes, which the CSP blocks
    visit.look()
