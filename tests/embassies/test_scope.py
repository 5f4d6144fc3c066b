"""Per-country scope: an organiser sees and edits only the offices of the countries they look after."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.models import Office
from embassies.services import organiser_scope_set
from tests.embassies.test_admin import export_form_data
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:embassies_office_changelist")


def test_organisers_group_may_view_add_and_change_offices_but_not_delete_or_rescope():
    group = Group.objects.get(name=ORGANISERS_GROUP)
    directory_perms = set(
        group.permissions.filter(content_type__app_label="embassies").values_list("codename", flat=True)
    )

    assert (
        directory_perms
        == set(apps.get_app_config("embassies").organiser_permissions)
        == {"view_office", "add_office", "change_office"}
        | {"view_officehours", "add_officehours", "change_officehours", "delete_officehours"}
    )
    assert not group.permissions.filter(
        codename__in=["delete_office", "change_organiserscope", "add_organiserscope"]
    ).exists()
    assert Permission.objects.filter(codename="delete_office").exists()  # it exists; the group just lacks it


def test_organiser_lists_only_their_countries(organiser_client):
    OfficeFactory(host_country="CZ", name="In Czechia")
    OfficeFactory(host_country="SK", name="In Slovakia", phone="+421259202810")
    OfficeFactory(host_country="AT", name="In Austria", phone="+4314797172")

    names = {office.name for office in organiser_client.get(CHANGELIST).context["cl"].result_list}

    assert names == {"In Czechia", "In Slovakia"}


def test_superuser_sees_every_country(admin_client):
    OfficeFactory(host_country="CZ")
    OfficeFactory(host_country="AT", phone="+4314797172")

    assert admin_client.get(CHANGELIST).context["cl"].result_count == 2


def test_organiser_without_scope_sees_nothing(client, organiser):
    organiser.organiser_scope.delete()
    client.force_login(organiser)
    OfficeFactory(host_country="CZ")

    assert client.get(CHANGELIST).context["cl"].result_count == 0


def test_change_view_outside_scope_is_forbidden_and_nothing_changes(organiser_client):
    austrian = OfficeFactory(host_country="AT", name="In Austria", phone="+4314797172")
    url = reverse("admin:embassies_office_change", args=[austrian.pk])

    assert organiser_client.get(url).status_code == 403
    assert organiser_client.post(url, {"name": "Hijacked"}).status_code == 403
    austrian.refresh_from_db()
    assert austrian.name == "In Austria"


def test_organiser_cannot_move_an_office_out_of_scope(organiser_client):
    office = OfficeFactory(host_country="CZ")
    form = organiser_client.get(reverse("admin:embassies_office_change", args=[office.pk])).context["adminform"].form

    offered = {code for code, _name in form.fields["host_country"].choices}

    assert offered == {"CZ", "SK"}


def test_organiser_cannot_delete(organiser_client):
    office = OfficeFactory(host_country="CZ")

    response = organiser_client.post(reverse("admin:embassies_office_delete", args=[office.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Office.objects.filter(pk=office.pk).exists()


def test_organiser_cannot_edit_scopes(organiser_client):
    assert organiser_client.get(reverse("admin:embassies_organiserscope_changelist")).status_code == 403


def test_import_rows_outside_scope_are_rejected_with_the_reason(organiser_client):
    content = "sending_country,host_country,kind,city\nUA,CZ,embassy,Praha\nUA,AT,embassy,Wien\n"
    upload = SimpleUploadedFile("offices.csv", content.encode(), content_type="text/csv")

    response = organiser_client.post(
        reverse("admin:embassies_office_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )

    page = response.content.decode()
    assert "Line 3" in page and "not one of the countries you look after" in page
    assert not Office.objects.exists()


def test_export_is_limited_to_scope(organiser_client):
    OfficeFactory(host_country="CZ", name="In Czechia")
    OfficeFactory(host_country="AT", name="In Austria", phone="+4314797172")

    content = organiser_client.post(reverse("admin:embassies_office_export"), export_form_data()).content.decode()

    assert "In Czechia" in content and "In Austria" not in content


def test_scope_set_replaces_the_countries(organiser):
    scope = organiser_scope_set(user=organiser, host_countries=["pl", " de ", "PL"])

    assert scope.country_codes == ["DE", "PL"]


def test_staff_outside_the_organisers_group_cannot_import(client, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)

    assert client.get(reverse("admin:embassies_office_import")).status_code == 403
