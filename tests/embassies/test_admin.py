"""The organisers' admin: list, search, filters, actions, the edit form's number rules, import preview."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook, load_workbook

from embassies.directory_csv import COLUMNS
from embassies.models import Office, OfficeKind
from tests.factories import OfficeFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:embassies_office_changelist")
IMPORT = reverse("admin:embassies_office_import")
PROCESS_IMPORT = reverse("admin:embassies_office_process_import")


def office_form_data(**overrides) -> dict:
    data = {
        "sending_country": "UA",
        "host_country": "CZ",
        "kind": OfficeKind.CONSULATE,
        "name": "Consulate of Ukraine in Brno",
        "head_title": "",
        "head_address_form": "unknown",
        "active": "on",
        "street_lines": "Šumavská 416/15",
        "postcode": "602 00",
        "city": "Brno",
        "address_country": "",
        "consular_district": "",
        "email": "brno@example.org",
        "other_emails": "",
        "phone": "541 211 004",
        "fax": "",
        "website": "",
        "contact_form_url": "",
        "languages": "uk, EN",
        "source": "https://example.org",
        "source_date": "2026-01-01",
        "wikidata_id": "",
    }
    return {**data, **overrides}


def test_changelist_search_and_verified_filter(admin_client):
    OfficeFactory(name="Embassy in Prague", city="Praha")
    VerifiedOfficeFactory(name="Consulate in Brno", city="Brno", email="brno@example.org")

    assert [o.name for o in admin_client.get(CHANGELIST, {"q": "brno@example"}).context["cl"].result_list] == [
        "Consulate in Brno"
    ]
    assert [o.name for o in admin_client.get(CHANGELIST, {"verified": "no"}).context["cl"].result_list] == [
        "Embassy in Prague"
    ]
    assert [o.name for o in admin_client.get(CHANGELIST, {"verified": "yes"}).context["cl"].result_list] == [
        "Consulate in Brno"
    ]
    assert "unverified" in admin_client.get(CHANGELIST).content.decode()


def test_mark_verified_today_records_who(admin_client, admin_user):
    offices = OfficeFactory.create_batch(2)

    admin_client.post(CHANGELIST, {"action": "mark_verified_today", "_selected_action": [o.pk for o in offices]})

    for office in offices:
        office.refresh_from_db()
        assert office.verified_on == timezone.localdate()
        assert office.verified_by == admin_user.username
        assert not office.can_receive_email or office.email  # verified offices with an email may receive mail
    assert Office.objects.emailable().count() == 2


def test_clear_email_flag(admin_client):
    office = VerifiedOfficeFactory(email_flagged_at=timezone.now(), email_flag_reason="bounced")

    admin_client.post(CHANGELIST, {"action": "clear_email_flag", "_selected_action": [office.pk]})

    office.refresh_from_db()
    assert office.email_flagged_at is None and office.email_flag_reason == ""


def test_add_form_normalises_numbers_and_defaults_the_title(admin_client):
    response = admin_client.post(reverse("admin:embassies_office_add"), office_form_data())

    assert response.status_code == 302, response.context["adminform"].form.errors
    office = Office.objects.get()
    assert office.phone == "+420541211004"
    assert office.head_title == "consul"
    assert office.languages == "uk,en"
    assert not office.numbers_need_review


def test_add_form_rejects_an_invalid_number_with_the_reason(admin_client):
    response = admin_client.post(reverse("admin:embassies_office_add"), office_form_data(phone="+420 12"))

    assert response.status_code == 200
    assert "too short" in str(response.context["adminform"].form.errors["phone"]) or "length" in str(
        response.context["adminform"].form.errors["phone"]
    )
    assert not Office.objects.exists()


def test_foreign_code_needs_the_organisers_explicit_word(admin_client):
    url = reverse("admin:embassies_office_add")

    refused = admin_client.post(url, office_form_data(phone="+43 1 4797172"))
    accepted = admin_client.post(url, office_form_data(phone="+43 1 4797172", numbers_reviewed="on"))

    assert "+43" in str(refused.context["adminform"].form.errors["numbers_reviewed"])
    assert accepted.status_code == 302
    office = Office.objects.get()
    assert office.phone == "+4314797172" and not office.numbers_need_review


def test_fixing_a_flagged_number_clears_the_flag(admin_client):
    office = OfficeFactory(phone="", numbers_need_review=True, numbers_review_note="phone: +20-77276312 is wrong")
    url = reverse("admin:embassies_office_change", args=[office.pk])
    data = office_form_data(name=office.name, city=office.city, kind=office.kind, phone="+420 233 342 000")

    response = admin_client.post(url, {**data, "numbers_reviewed": "on"})

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.phone == "+420233342000"
    assert not office.numbers_need_review and office.numbers_review_note == ""


def test_bad_other_emails_and_languages_are_explained(admin_client):
    response = admin_client.post(
        reverse("admin:embassies_office_add"),
        office_form_data(other_emails="ok@example.org\nnot-an-email", languages="uk,xx"),
    )

    errors = response.context["adminform"].form.errors
    assert "not-an-email" in str(errors["other_emails"])
    assert "xx" in str(errors["languages"])


def import_preview(client, content: str, **extra):
    upload = SimpleUploadedFile("offices.csv", content.encode(), content_type="text/csv")
    return client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0", **extra})


GOOD_AND_BAD = (
    "sending_country,host_country,kind,city,street_lines,postcode,email,phone\n"
    "UA,CZ,embassy,Praha,Charlese de Gaulla 29,160 00,emb_cz@mfa.gov.ua,+420 233 342 000\n"
    "UA,CZ,consulate,Brno,,,brno@example.org,+420 12\n"
    "UA,XX,consulate,Nowhere,,,,\n"
)


def test_admin_import_previews_and_reports_bad_rows_with_line_numbers(admin_client):
    response = import_preview(admin_client, GOOD_AND_BAD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in page and "phone" in page
    assert "Line 4" in page and "XX" in page
    assert not Office.objects.exists()  # a preview writes nothing


def test_admin_import_preview_then_confirm_writes_normalised_offices(admin_client):
    good = GOOD_AND_BAD.splitlines()[:2]
    preview = import_preview(admin_client, "\n".join(good) + "\n")
    assert not Office.objects.exists()
    confirm = preview.context["confirm_form"]

    admin_client.post(PROCESS_IMPORT, {name: confirm[name].value() for name in confirm.fields})

    office = Office.objects.get()
    assert office.phone == "+420233342000"
    assert office.name == "Embassy of Ukraine in Czechia"
    assert office.verified_on is None


def test_admin_import_takes_the_sending_state_from_the_form(admin_client):
    candidates = (
        "host_country_iso2,office_type,city,address,postal_code,email,phone,fax,website,source,source_date\n"
        "SK,embassy,Bratislava,Radvanská 35,81101,emb_sk@mfa.gov.ua,+421-2-592-028-10,,,https://example.org,2022-11-16\n"
    )
    preview = import_preview(admin_client, candidates, sending_state="UA")
    confirm = preview.context["confirm_form"]
    admin_client.post(PROCESS_IMPORT, {name: confirm[name].value() for name in confirm.fields})

    office = Office.objects.get()
    assert (office.sending_country.code, office.host_country.code, office.phone) == ("UA", "SK", "+421259202810")


def test_admin_import_without_sending_state_says_so(admin_client):
    candidates = "host_country_iso2,office_type,city\nSK,embassy,Bratislava\n"

    page = import_preview(admin_client, candidates).content.decode()

    assert "No sending state" in page


def export_form_data() -> dict:
    return {"format": "0", "resource": "0", **{f"officeresource_{column}": "on" for column in COLUMNS}}


def test_admin_export_round_trips_through_the_import(admin_client):
    OfficeFactory(name="Embassy of Ukraine in Czechia", city="Praha", other_emails="a@example.org\nb@example.org")
    exported = admin_client.post(reverse("admin:embassies_office_export"), export_form_data())
    assert exported.status_code == 200, exported.content[:500]
    content = exported.content.decode()
    assert "a@example.org; b@example.org" in content

    preview = import_preview(admin_client, content)

    assert preview.context["result"].totals["skip"] == 1
    assert Office.objects.count() == 1


def test_verified_date_is_never_imported(admin_client):
    csv_text = "sending_country,host_country,kind,city,verified_on\nUA,CZ,embassy,Praha,2026-01-01\n"
    preview = import_preview(admin_client, csv_text)
    confirm = preview.context["confirm_form"]
    admin_client.post(PROCESS_IMPORT, {name: confirm[name].value() for name in confirm.fields})

    assert Office.objects.get().verified_on is None
    assert datetime.date(2026, 1, 1) not in Office.objects.values_list("verified_on", flat=True)


def test_admin_imports_xlsx_too(admin_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sending_country", "host_country", "kind", "city", "postcode", "phone"])
    sheet.append(["UA", "DE", "embassy", "Berlin", 10117, "+49 30 28887116"])
    sheet.append(["UA", "DE", "consulate_general", "Hamburg", 22087, "040 12"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    form = admin_client.get(IMPORT).context["form"]
    xlsx = next(value for value, label in form.fields["format"].choices if "xlsx" in str(label).lower())
    upload = SimpleUploadedFile("offices.xlsx", buffer.getvalue())

    page = admin_client.post(IMPORT, {"import_file": upload, "format": xlsx, "resource": "0"}).content.decode()

    assert "Line 3" in page and "phone" in page
    fixed = buffer.getvalue()  # the organiser fixes the number and imports again
    sheet["F3"] = "+49 40 2294980"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert fixed != buffer.getvalue()
    preview = admin_client.post(
        IMPORT, {"import_file": SimpleUploadedFile("offices.xlsx", buffer.getvalue()), "format": xlsx, "resource": "0"}
    )
    confirm = preview.context["confirm_form"]
    admin_client.post(PROCESS_IMPORT, {name: confirm[name].value() for name in confirm.fields})
    assert dict(Office.objects.values_list("city", "postcode")) == {"Berlin": "10117", "Hamburg": "22087"}


def test_host_country_filter_offers_only_present_countries(organiser_client):
    OfficeFactory(host_country="CZ")

    page = organiser_client.get(CHANGELIST).content.decode()

    assert "?host_country=CZ" in page and "?host_country=AT" not in page


def test_changing_the_email_of_a_verified_office_unverifies_it(admin_client):
    office = VerifiedOfficeFactory(host_country="CZ", email="old@example.org", other_emails="consul@example.org")
    url = reverse("admin:embassies_office_change", args=[office.pk])
    same = office_form_data(
        name=office.name,
        city=office.city,
        kind=office.kind,
        phone="",
        email="OLD@example.org",
        other_emails="consul@example.org\r\n",
    )

    kept = admin_client.post(url, {**same, "phone": "+420 233 342 000"})
    office.refresh_from_db()
    still_verified = office.is_verified
    changed = admin_client.post(url, {**same, "email": "new@example.org"})

    assert kept.status_code == 302 and changed.status_code == 302
    assert still_verified
    office.refresh_from_db()
    assert office.email == "new@example.org"
    assert not office.is_verified and office.verified_by == ""
    assert not office.can_receive_email


def test_admin_xlsx_export_holds_no_formulas_and_round_trips(admin_client):
    OfficeFactory(name='=HYPERLINK("https://evil.example","Embassy")', city="Praha")
    formats = reverse("admin:embassies_office_export")
    choices = dict(admin_client.get(formats).context["form"].fields["format"].choices)
    xlsx = next(index for index, label in choices.items() if str(label).lower() == XLSX().get_title().lower())

    exported = admin_client.post(formats, {**export_form_data(), "format": str(xlsx)})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [cell.value for cell in sheet[1]]
    name_cell = sheet.cell(row=2, column=header.index("name") + 1)

    assert name_cell.data_type == "s"
    assert name_cell.value.startswith("'=HYPERLINK")
    upload = SimpleUploadedFile("offices.xlsx", exported.content)
    preview = admin_client.post(IMPORT, {"import_file": upload, "format": str(xlsx), "resource": "0"})
    assert preview.context["result"].totals["skip"] == 1
