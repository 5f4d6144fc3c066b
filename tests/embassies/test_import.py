"""manage.py import_offices: layouts, reasons with line numbers, idempotence, duplicates, verification."""

import csv
import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from embassies.importing import office_file_import
from embassies.models import Office, OfficeKind
from tests.factories import OfficeFactory, VerifiedOfficeFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "embassies" / "sample" / "offices.csv"
# Real, messy reference data, checked out beside the repository (../shared) in CI; it is not copied into the project.
SHARED_CANDIDATES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ukraine-missions-candidates.csv"
# Made-up rows in its layout with its kinds of mess, so the messy import is tested on every machine: one embassy from
# two sources of different years (a district for its city in the newer one), numbers with another country's code,
# a consulate and an honorary consulate with a city and nothing else, and a row with an invalid number.
MESSY_CANDIDATES = (
    "host_country_iso2,office_type,city,address,postal_code,email,phone,fax,website,source,source_date\n"
    "AZ,embassy,Baku,,,emb_az@example.org,+41-12345678,,https://az.example.org,Wikidata export,2022-11-16\n"
    "DE,embassy,Mitte,,,emb_de@example.org,+49-30-12345678,,https://de.example.org,Wikidata export,2022-11-16\n"
    "GB,embassy,Royal Borough of Kensington and Chelsea,,,emb_gb@example.org,+20-12345678,,,Wikidata export,2022-11-16\n"
    "DE,embassy,Berlin,Albrechtstraße 26,10117,emb_de@example.org,,,,a mission list,2016-02-21\n"
    "DE,consulate_general,Hamburg,,,,,,,a news item,2022-10\n"
    "IT,honorary_consulate,Bari,,,,,,,a guide for Ukrainians abroad,2023\n"
    "PL,embassy,Warszawa,,,emb_pl@example.org,+48 12,,,an undated page,undated\n"
)


def messy_candidates() -> list:
    files = [pytest.param("candidates.csv", MESSY_CANDIDATES.encode(), id="made-up")]
    if SHARED_CANDIDATES.exists():
        files.append(pytest.param(SHARED_CANDIDATES.name, SHARED_CANDIDATES.read_bytes(), id="shared"))
    return files


PROJECT_CSV = (
    "sending_country,host_country,kind,name,city,street_lines,postcode,email,other_emails,phone,fax,languages,source,source_date\n"
    'UA,CZ,embassy,,Praha,Charlese de Gaulla 29,160 00,emb_cz@mfa.gov.ua,,+420 233 342 000,,"uk,cs",https://czechia.mfa.gov.ua,2026-01-01\n'
    "UA,CZ,consulate,,Brno,Šumavská 416/15,602 00,brno@example.org,,541 211 004,,,https://example.org/brno,2026-01-01\n"
    "UA,CZ,consulate,,Ostrava,,,,,+420 12,,,x,2026-01-01\n"
    "UA,XX,embassy,,Nowhere,,,,,,,,x,2026-01-01\n"
    "UA,CZ,palace,,Praha,,,,,,,,x,2026-01-01\n"
    "UA,CZ,consulate,,,,,,,,,,x,2026-01-01\n"
    "UA,CZ,honorary_consulate,,Liberec,,,not-an-email,,,,,x,2026-01-01\n"
)


def run(content: str, *args: str, filename: str = "offices.csv", tmp_path: Path) -> str:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("import_offices", str(path), *args, stdout=out)
    return out.getvalue()


def test_good_rows_are_created_normalised_and_unverified(tmp_path):
    output = run(PROJECT_CSV, tmp_path=tmp_path)

    embassy = Office.objects.get(kind=OfficeKind.EMBASSY)
    assert embassy.name == "Embassy of Ukraine in Czechia"
    assert embassy.phone == "+420233342000"
    assert embassy.head_title == "ambassador"
    assert embassy.languages == "uk,cs"
    assert embassy.verified_on is None
    brno = Office.objects.get(city="Brno")
    assert brno.name == "Consulate of Ukraine in Brno"
    assert brno.phone == "+420541211004"
    assert "created: 2, updated: 0, unchanged: 0" in output


def test_bad_rows_are_rejected_with_line_and_reason(tmp_path):
    output = run(PROJECT_CSV, tmp_path=tmp_path)

    assert "line 4: rejected: phone: +420 12" in output
    assert "line 5: rejected: host_country: “XX” is not an ISO country code" in output
    assert "line 6: rejected: kind: “palace”" in output
    assert "line 7: rejected: city: the city is missing" in output
    assert "line 8: rejected: email: “not-an-email” is not a valid email address" in output
    assert "rejected: 5" in output


def test_second_run_changes_nothing(tmp_path):
    run(PROJECT_CSV, tmp_path=tmp_path)
    before = list(Office.objects.order_by("pk").values())

    output = run(PROJECT_CSV, tmp_path=tmp_path)

    assert "created: 0, updated: 0, unchanged: 2" in output
    assert list(Office.objects.order_by("pk").values()) == before


def test_dry_run_writes_nothing_but_reports(tmp_path):
    output = run(PROJECT_CSV, "--dry-run", tmp_path=tmp_path)

    assert "Dry run" in output and "created: 2" in output
    assert not Office.objects.exists()


def test_file_without_sending_state_needs_the_option(tmp_path):
    candidates = "host_country_iso2,office_type,city,address,postal_code,email,phone,fax,website,source,source_date\nSK,embassy,Bratislava,,,,,,,s,2022\n"

    without = run(candidates, tmp_path=tmp_path)
    with_option = run(candidates, "--sending-state", "RU", tmp_path=tmp_path)

    assert "No sending state" in without
    office = Office.objects.get()
    assert office.sending_country.code == "RU" and office.name == "Embassy of Russia in Slovakia"
    assert "created: 1" in with_option


def test_unknown_columns_are_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Unknown columns"):
        run("foo,bar\n1,2\n", tmp_path=tmp_path)


def test_export_csv_round_trips(client, tmp_path):
    OfficeFactory(name="Embassy in Prague", other_emails="a@example.org\nb@example.org", fax="+420233342001")
    exported = client.get("/en/embassies/directory.csv").content.decode()

    output = run(exported, tmp_path=tmp_path)

    assert "created: 0, updated: 0, unchanged: 1" in output


def test_matching_order_wikidata_then_source_then_email_then_city(tmp_path):
    by_wikidata = OfficeFactory(wikidata_id="Q1", city="Old city", email="w@example.org")
    by_email = OfficeFactory(kind=OfficeKind.CONSULATE, city="Brno", email="brno@example.org")
    by_city = OfficeFactory(kind=OfficeKind.HONORARY_CONSULATE, city="Liberec", email="")
    content = (
        "sending_country,host_country,kind,city,email,wikidata_id,postcode\n"
        "UA,CZ,embassy,Praha,new@example.org,Q1,110 00\n"
        "UA,CZ,consulate,Brno-střed,brno@example.org,,602 00\n"
        "UA,CZ,honorary_consulate,liberec,,,460 01\n"
    )

    output = run(content, tmp_path=tmp_path)

    assert "created: 0, updated: 3" in output
    assert Office.objects.get(pk=by_wikidata.pk).postcode == "110 00"
    assert Office.objects.get(pk=by_email.pk).postcode == "602 00"
    assert Office.objects.get(pk=by_city.pk).postcode == "460 01"


def test_duplicates_in_one_file_merge_newest_first_blanks_from_older(tmp_path):
    content = (
        "sending_country,host_country,kind,city,street_lines,postcode,email,phone,website,source,source_date\n"
        "UA,PL,consulate_general,Lublin,ul. 3 Maja 14,20-417,gc_pll@mfa.gov.ua,+48 81 531 88 89,,old,undated\n"
        "UA,PL,consulate_general,Lublin,ul. Spokojna 2,,,,https://lublin.example.org,new,2024-02\n"
    )

    first = run(content, tmp_path=tmp_path)
    second = run(content, tmp_path=tmp_path)

    office = Office.objects.get()
    assert office.street_lines == "ul. Spokojna 2"  # the newer address, whole
    assert office.postcode == ""  # not stitched from the older address
    assert office.email == "gc_pll@mfa.gov.ua" and office.phone == "+48815318889"  # blanks filled from older
    assert office.source == "new"
    assert "line 2: Same office as line 3" in first
    assert "created: 0, updated: 0, unchanged: 1, merged duplicates: 1" in second


def test_several_emails_and_phones_in_one_cell(tmp_path):
    content = (
        "host_country_iso2,office_type,city,address,postal_code,email,phone,fax,website,source,source_date\n"
        "ES,embassy,Madrid,,,emb_es@mfa.gov.ua; consul_es@mfa.gov.ua,+34 917 489 360; +34 910 418 416,,,s,2022-11-23\n"
    )

    output = run(content, "--sending-state", "UA", tmp_path=tmp_path)

    office = Office.objects.get()
    assert office.email == "emb_es@mfa.gov.ua" and office.other_email_list == ["consul_es@mfa.gov.ua"]
    assert office.phone == "+34917489360"
    assert "+34 910 418 416 was left out" in output


def test_foreign_country_code_is_flagged_not_silently_accepted(tmp_path):
    content = (
        "host_country_iso2,office_type,city,address,postal_code,email,phone,fax,website,source,source_date\n"
        "GB,embassy,London,,,emb_gb@mfa.gov.ua,+20-12345678,,,s,2022\n"
        "CZ,embassy,Praha,,,emb_cz@mfa.gov.ua,+43 1 4797172,,,s,2022\n"
    )

    output = run(content, "--sending-state", "UA", tmp_path=tmp_path)

    london = Office.objects.get(host_country="GB")
    assert london.phone == "" and london.numbers_need_review and "+20-12345678" in london.numbers_review_note
    prague = Office.objects.get(host_country="CZ")
    assert prague.phone == "+4314797172" and prague.numbers_need_review
    assert "country code +20" in output and "country code +43" in output


def test_changing_contact_facts_of_a_verified_office_unverifies_it(tmp_path):
    office = VerifiedOfficeFactory(city="Praha", email="emb_cz@mfa.gov.ua", phone="+420233342000")
    unchanged = (
        "sending_country,host_country,kind,city,email,phone\nUA,CZ,embassy,Praha,emb_cz@mfa.gov.ua,+420233342000\n"
    )
    moved = "sending_country,host_country,kind,city,email,phone\nUA,CZ,embassy,Praha,emb_cz@mfa.gov.ua,+420227020212\n"

    run(unchanged, tmp_path=tmp_path)
    office.refresh_from_db()
    assert office.is_verified
    output = run(moved, tmp_path=tmp_path)

    office.refresh_from_db()
    assert not office.is_verified and office.verified_by == ""
    assert "unverified again" in output


def test_blank_cells_never_clear_known_facts(tmp_path):
    office = OfficeFactory(city="Praha", email="emb_cz@mfa.gov.ua", fax="+420233342001")

    run("sending_country,host_country,kind,city,email,fax\nUA,CZ,embassy,Praha,emb_cz@mfa.gov.ua,\n", tmp_path=tmp_path)

    office.refresh_from_db()
    assert office.fax == "+420233342001"


WIKIDATA_JSON = {
    "head": {"vars": ["office", "officeLabel", "types", "hostCode", "sendingCode", "cityLabel", "email", "phone"]},
    "results": {
        "bindings": [
            {
                "office": {"type": "uri", "value": "http://www.wikidata.org/entity/Q5369907"},
                "officeLabel": {"type": "literal", "value": "Embassy of Ukraine, Prague"},
                "types": {"type": "literal", "value": "embassy"},
                "hostCode": {"type": "literal", "value": "CZ"},
                "sendingCode": {"type": "literal", "value": "UA"},
                "cityLabel": {"type": "literal", "value": "Prague"},
                "email": {"type": "uri", "value": "mailto:emb_cz@mfa.gov.ua"},
                "phone": {"type": "literal", "value": "+420 227 020 212"},
            },
            {
                "office": {"type": "uri", "value": "http://www.wikidata.org/entity/Q55587190"},
                "types": {"type": "literal", "value": "consulate general|building"},
                "hostCode": {"type": "literal", "value": "PL"},
                "sendingCode": {"type": "literal", "value": "UA"},
                "cityLabel": {"type": "literal", "value": "Gdańsk"},
            },
            {
                "office": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"},
                "types": {"type": "literal", "value": "cultural centre"},
                "hostCode": {"type": "literal", "value": "PL"},
                "sendingCode": {"type": "literal", "value": "UA"},
                "cityLabel": {"type": "literal", "value": "Warsaw"},
            },
        ]
    },
}


def test_wikidata_sparql_json(tmp_path):
    content = json.dumps(WIKIDATA_JSON)

    first = run(content, filename="query.json", tmp_path=tmp_path)
    second = run(content, filename="query.json", tmp_path=tmp_path)

    prague = Office.objects.get(wikidata_id="Q5369907")
    assert prague.name == "Embassy of Ukraine, Prague"
    assert prague.email == "emb_cz@mfa.gov.ua" and prague.phone == "+420227020212"
    assert prague.source == "https://www.wikidata.org/wiki/Q5369907"
    gdansk = Office.objects.get(wikidata_id="Q55587190")
    assert gdansk.kind == OfficeKind.CONSULATE_GENERAL and gdansk.name == "Consulate General of Ukraine in Gdańsk"
    assert "line 3: rejected: kind: “cultural centre”" in first
    assert "created: 0, updated: 0, unchanged: 2" in second


def test_broken_json_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Wikidata"):
        run('{"not": "sparql"}', filename="x.json", tmp_path=tmp_path)


def test_sample_directory_imports_cleanly_and_unverified(tmp_path):
    report = office_file_import(content=SAMPLE.read_bytes(), filename=SAMPLE.name)

    assert report.rejected == []
    assert report.merged == 0
    assert set(Office.objects.values_list("host_country", flat=True)) >= {"CZ", "SK", "AT", "DE", "PL", "IT"}
    assert not Office.objects.verified().exists()
    embassies = Office.objects.filter(kind=OfficeKind.EMBASSY)
    assert (
        embassies.count() == 6
        and not embassies.filter(street_lines="").exists()
        and not embassies.filter(postcode="").exists()
    )
    assert not Office.objects.filter(source="").exists() and not Office.objects.filter(source_date="").exists()
    again = office_file_import(content=SAMPLE.read_bytes(), filename=SAMPLE.name)
    assert (again.created, again.updated) == (0, 0)


@pytest.mark.parametrize(("filename", "content"), messy_candidates())
def test_messy_candidates_every_row_accounted_for_and_second_run_changes_nothing(filename, content):
    data_rows = len(content.decode("utf-8").strip().splitlines()) - 1

    first = office_file_import(content=content, filename=filename, sending_country="UA")
    second = office_file_import(content=content, filename=filename, sending_country="UA")

    assert first.created + first.updated + first.unchanged + first.merged + len(first.rejected) == data_rows
    assert all(reason for _line, reason in first.rejected)
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == first.created
    assert not Office.objects.verified().exists()
    gb = Office.objects.get(host_country="GB")
    assert gb.numbers_need_review and "+20" in gb.numbers_review_note
    az = Office.objects.get(host_country="AZ")
    assert az.numbers_need_review and "+41" in az.numbers_review_note
    assert Office.objects.filter(host_country="DE", kind=OfficeKind.EMBASSY).count() == 1
    assert Office.objects.get(host_country="DE", kind=OfficeKind.EMBASSY).city == "Berlin"


def test_public_csv_cannot_run_formulas_and_still_round_trips(client, tmp_path):
    OfficeFactory(
        name='=HYPERLINK("https://evil.example","Embassy")',
        source="@SUM(1+1)",
        city='+HYPERLINK("https://evil.example")',
        street_lines="-2+3",
        phone="+420233342000",
    )
    exported = client.get("/en/embassies/directory.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(exported)))

    assert row["name"] == '\'=HYPERLINK("https://evil.example","Embassy")'
    assert row["source"] == "'@SUM(1+1)"
    assert row["city"] == '\'+HYPERLINK("https://evil.example")'
    assert row["street_lines"] == "'-2+3"
    # One rule for every cell: a phone number is quoted too, and the import reads it back unchanged.
    assert row["phone"] == "'+420233342000"
    assert "created: 0, updated: 0, unchanged: 1" in run(exported, tmp_path=tmp_path)
