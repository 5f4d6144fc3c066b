"""Faults planted in the organiser scope (embassies.selectors and embassies.admin.scoped) by hand and by
`make mutate`, each caught here.

The one rule: an organiser reads and writes only the records of the host countries in their own scope; a
superuser, all of them; an organiser without a scope, none. It holds for querysets, admin lists and pages, the
choices of the admin forms, and the import.
"""

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

import pytest

from campaign.models import Campaign, Letter
from common.permissions import ORGANISERS_GROUP
from embassies.admin.offices import OfficeAdmin
from embassies.admin.scoped import CountryScopedAdmin
from embassies.models import Office
from embassies.selectors import (
    office_queryset_for_user,
    organiser_country_codes,
    organiser_emails_for_country,
    records_in_country_scope,
)
from embassies.services import organiser_scope_set
from printing.models import Batch
from printing.models import Group as PrintingGroup
from tests.embassies.test_admin import office_form_data
from tests.factories import CampaignFactory, LetterFactory, OfficeFactory, VerifiedOfficeFactory
from tracking.models import SurveyAnswer

pytestmark = pytest.mark.django_db

PHONES = {"CZ": "+420233342000", "SK": "+421259202810", "AT": "+4314797172", "PL": "+48226252700"}


def office_in(country: str, **fields) -> Office:
    return OfficeFactory(host_country=country, phone=PHONES[country], name=f"Office in {country}", **fields)


def organiser_of(django_user_model, username: str, countries: list[str], **fields):
    user = django_user_model.objects.create_user(username=username, password="pw", is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=user, host_countries=countries)
    return user


@pytest.fixture
def offices():
    return {country: office_in(country) for country in ("CZ", "SK", "AT", "PL")}


def admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- the selectors --------------------------------------------------------------------------------------------------


def test_the_scope_selector_uses_the_users_own_scope_not_any_organisers(django_user_model, offices):
    austria = organiser_of(django_user_model, "anna", ["AT"])
    central = organiser_of(django_user_model, "olena", ["CZ", "SK"])
    poland = organiser_of(django_user_model, "piotr", ["PL"])

    assert organiser_country_codes(user=central) == ["CZ", "SK"]
    assert organiser_country_codes(user=austria) == ["AT"]
    assert {office.name for office in office_queryset_for_user(user=central)} == {"Office in CZ", "Office in SK"}
    assert [office.name for office in office_queryset_for_user(user=poland)] == ["Office in PL"]


def test_a_superuser_is_in_scope_everywhere_and_an_organiser_without_scope_nowhere(
    django_user_model, admin_user, offices
):
    newcomer = django_user_model.objects.create_user(username="newcomer", password="pw", is_staff=True)
    organiser_of(django_user_model, "olena", ["CZ"])  # someone else's scope is not the newcomer's

    assert organiser_country_codes(user=admin_user) is None
    assert office_queryset_for_user(user=admin_user).count() == 4
    assert organiser_country_codes(user=newcomer) == []
    assert not office_queryset_for_user(user=newcomer).exists()


def test_the_scope_follows_the_path_to_the_host_country(django_user_model, offices):
    olena = organiser_of(django_user_model, "olena", ["CZ"])
    czech = LetterFactory(office=offices["CZ"])
    LetterFactory(office=offices["AT"])

    assert list(records_in_country_scope(Letter.objects.all(), user=olena, country_path="office__host_country")) == [
        czech
    ]


def test_an_empty_scope_is_in_scope_nowhere(django_user_model, offices):
    olena = organiser_of(django_user_model, "olena", [])

    assert organiser_country_codes(user=olena) == []
    assert not office_queryset_for_user(user=olena).exists()


def test_organisers_to_notify_are_the_active_staff_looking_after_the_country(
    django_user_model, django_assert_num_queries
):
    organiser_of(django_user_model, "zoe", ["CZ", "SK"], email="zoe@example.org")
    organiser_of(django_user_model, "adam", ["CZ"], email="adam@example.org")
    organiser_of(django_user_model, "piotr", ["PL"], email="piotr@example.org")
    organiser_of(django_user_model, "gone", ["CZ"], email="gone@example.org", is_active=False)
    organiser_of(django_user_model, "silent", ["CZ"], email="")
    former = organiser_of(django_user_model, "former", ["CZ"], email="former@example.org")
    django_user_model.objects.filter(pk=former.pk).update(is_staff=False)
    organiser_of(django_user_model, "twin", ["CZ"], email="adam@example.org")

    with django_assert_num_queries(1):  # however many organisers there are
        assert organiser_emails_for_country(host_country="cz") == ["adam@example.org", "zoe@example.org"]
    assert organiser_emails_for_country(host_country="SK") == ["zoe@example.org"]
    assert organiser_emails_for_country(host_country="AT") == []


# --- the admin --------------------------------------------------------------------------------------------------------


@pytest.fixture
def olena_client(client, django_user_model):
    client.force_login(organiser_of(django_user_model, "olena", ["CZ", "SK"]))
    return client


def test_the_admin_import_never_updates_an_office_outside_the_organisers_scope(olena_client, offices):
    Office.objects.filter(pk=offices["AT"].pk).update(wikidata_id="Q42", city="Wien")
    # The row names Czechia, but its Wikidata id is that of the office in Austria.
    content = "sending_country,host_country,kind,city,name,wikidata_id\nUA,CZ,embassy,Praha,Hijacked,Q42\n"
    upload = SimpleUploadedFile("offices.csv", content.encode(), content_type="text/csv")

    preview = olena_client.post(
        reverse("admin:embassies_office_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    confirm = preview.context.get("confirm_form") if preview.context else None
    if confirm is not None:
        olena_client.post(
            reverse("admin:embassies_office_process_import"), {name: confirm[name].value() for name in confirm.fields}
        )

    assert "matches an office in a country you do not look after" in preview.content.decode()
    austrian = Office.objects.get(pk=offices["AT"].pk)
    assert (austrian.host_country.code, austrian.city, austrian.name) == ("AT", "Wien", "Office in AT")
    assert not Office.objects.filter(name="Hijacked").exists()


def test_the_admin_forms_scope_check_refuses_a_foreign_host_country(olena_client, offices):
    add = olena_client.post(
        reverse("admin:embassies_office_add"), office_form_data(host_country="AT", phone="+43 1 4797172")
    )

    assert add.status_code == 200
    assert "host_country" in add.context["adminform"].form.errors
    assert not Office.objects.filter(name="Consulate of Ukraine in Brno").exists()

    czech = offices["CZ"]
    move = olena_client.post(
        reverse("admin:embassies_office_change", args=[czech.pk]),
        office_form_data(host_country="AT", name=czech.name, city=czech.city, phone="+43 1 4797172"),
    )

    assert "host_country" in move.context["adminform"].form.errors
    assert Office.objects.get(pk=czech.pk).host_country.code == "CZ"

    group = olena_client.post(reverse("admin:printing_group_add"), {"name": "Wien", "country": "AT", "city": "Wien"})

    assert "country" in group.context["adminform"].form.errors
    assert not PrintingGroup.objects.filter(name="Wien").exists()


def test_the_admin_forms_still_save_records_in_scope(olena_client):
    office = olena_client.post(reverse("admin:embassies_office_add"), office_form_data(host_country="CZ"))
    group = olena_client.post(reverse("admin:printing_group_add"), {"name": "Brno", "country": "CZ", "city": "Brno"})

    assert (office.status_code, group.status_code) == (302, 302)
    assert Office.objects.get(name="Consulate of Ukraine in Brno").host_country.code == "CZ"
    assert PrintingGroup.objects.get(name="Brno").country.code == "CZ"


def test_only_the_scoped_country_field_is_narrowed(olena_client):
    form = olena_client.get(reverse("admin:embassies_office_add")).context["adminform"].form

    assert {code for code, _name in form.fields["host_country"].choices} == {"CZ", "SK"}
    assert {"UA", "RU", "AT"} <= {code for code, _name in form.fields["sending_country"].choices}


def test_a_group_may_be_created_in_an_organisers_country_or_none_only(olena_client, admin_client):
    organiser_form = olena_client.get(reverse("admin:printing_group_add")).context["adminform"].form
    superuser_form = admin_client.get(reverse("admin:printing_group_add")).context["adminform"].form

    assert {code for code, _name in organiser_form.fields["country"].choices} == {"", "CZ", "SK"}
    assert {"", "CZ", "SK", "AT", "PL"} <= {code for code, _name in superuser_form.fields["country"].choices}


def test_a_record_of_another_country_is_forbidden_and_a_missing_one_is_not_found(olena_client, offices):
    austrian = reverse("admin:embassies_office_change", args=[offices["AT"].pk])
    czech = reverse("admin:embassies_office_change", args=[offices["CZ"].pk])
    missing = reverse("admin:embassies_office_change", args=[offices["PL"].pk + 1000])
    malformed = reverse("admin:embassies_office_change", args=["not-a-number"])

    assert olena_client.get(austrian).status_code == 403
    assert olena_client.get(czech).status_code == 200
    for url in (missing, malformed):
        response = olena_client.get(url, follow=True)  # Django's "does not exist, perhaps it was deleted?"
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("admin:index")


def test_get_object_by_another_field_is_refused_outside_the_scope(django_user_model, offices):
    olena = organiser_of(django_user_model, "olena", ["CZ", "SK"])
    Office.objects.filter(pk=offices["AT"].pk).update(wikidata_id="Q42")
    Office.objects.filter(pk=offices["CZ"].pk).update(wikidata_id="Q7")
    model_admin = OfficeAdmin(Office, AdminSite())

    with pytest.raises(PermissionDenied):
        model_admin.get_object(admin_request(olena), "Q42", "wikidata_id")
    assert model_admin.get_object(admin_request(olena), "Q7", "wikidata_id") == offices["CZ"]
    assert model_admin.get_object(admin_request(olena), "Q404", "wikidata_id") is None
    assert model_admin.get_object(admin_request(olena), "99999999999999999999", None) is None


class SurveyAnswerForm(forms.ModelForm):
    class Meta:
        model = SurveyAnswer
        fields = ["campaign", "office", "got_reply", "answered_on"]
        labels = {"got_reply": "Did the office answer?"}
        help_texts = {"office": "Only the offices you look after."}


class EditableSurveyAnswerAdmin(CountryScopedAdmin):
    country_scope_path = "office__host_country"
    form = SurveyAnswerForm


class EditableBatchAdmin(CountryScopedAdmin):
    country_scope_path = "host_country"
    fields = ["campaign", "group", "offices"]


@pytest.fixture
def site():
    """An admin site where related records are edited through select boxes, with the directory's own admin."""
    site = AdminSite(name="scope-test")
    site.register(Office, OfficeAdmin)
    site.register(SurveyAnswer, EditableSurveyAnswerAdmin)
    site.register(Batch, EditableBatchAdmin)
    return site


def test_related_choices_offer_only_offices_in_scope(site, django_user_model, admin_user, offices):
    olena = organiser_of(django_user_model, "olena", ["CZ", "SK"])
    answers, batches = site.get_model_admin(SurveyAnswer), site.get_model_admin(Batch)

    office_choices = answers.get_form(admin_request(olena))().fields["office"].queryset
    batch_office_choices = batches.get_form(admin_request(olena))().fields["offices"].queryset

    assert {office.name for office in office_choices} == {"Office in CZ", "Office in SK"}
    assert {office.name for office in batch_office_choices} == {"Office in CZ", "Office in SK"}
    assert answers.get_form(admin_request(admin_user))().fields["office"].queryset.count() == 4


def test_scoping_keeps_the_forms_own_labels_and_help(site, django_user_model):
    olena = organiser_of(django_user_model, "olena", ["CZ"])

    fields = site.get_model_admin(SurveyAnswer).get_form(admin_request(olena))().fields

    assert fields["got_reply"].label == "Did the office answer?"
    assert fields["office"].help_text == "Only the offices you look after."


def test_related_choices_of_unscoped_models_and_given_querysets_are_left_alone(site, django_user_model, offices):
    olena = organiser_of(django_user_model, "olena", ["CZ"])
    VerifiedOfficeFactory(host_country="SK", phone=PHONES["SK"], name="Verified in SK")
    CampaignFactory.create_batch(2)
    PrintingGroup.objects.create(name="Wien", country="AT", city="Wien")
    answers, batches = site.get_model_admin(SurveyAnswer), site.get_model_admin(Batch)
    request = admin_request(olena)
    office_field = SurveyAnswer._meta.get_field("office")
    offices_field = Batch._meta.get_field("offices")
    verified = Office.objects.filter(verified_on__isnull=False)

    assert list(answers.formfield_for_foreignkey(office_field, request, queryset=verified).queryset) == list(verified)
    assert list(batches.formfield_for_manytomany(offices_field, request, queryset=verified).queryset) == list(verified)
    # Campaigns are shared by every country, and groups are not registered on this site: all of them are offered.
    assert set(answers.get_form(request)().fields["campaign"].queryset) == set(Campaign.objects.all())
    assert set(batches.get_form(request)().fields["group"].queryset) == set(PrintingGroup.objects.all())
