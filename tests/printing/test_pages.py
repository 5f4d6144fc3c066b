"""The members' batch pages: create with three signers, watch progress, download, mark posted."""

import datetime

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from campaign.models import ContactChannel, ContactEvent
from printing.models import Batch, BatchStatus, Group, SignerMode
from printing.services import batch_create, batches_personal_data_expire

from .conftest import pdf_pages_text


@pytest.fixture
def group(db):
    return Group.objects.create(name="Brno stall", country="CZ", city="Brno")


@pytest.fixture
def member(group):
    user = User.objects.create_user("member", password="pw-member-123")
    group.members.add(user)
    return user


def batch_data(template, group, **overrides):
    data = {
        "group": group.pk,
        "template": template.pk,
        "host_country": "CZ",
        "signer_mode": SignerMode.SIGNERS,
        "signers_text": "Anna Dvořáková, Praha\nŁukasz Wróbel, Brno\nJürgen Groß",
        "copies_per_office": 1,
        "sign_lines": 10,
        "paper": "a4",
        "group_signature": "",
    }
    data.update(overrides)
    return data


def test_pages_need_an_account(client):
    response = client.get(reverse("printing:batch_new"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("printing:login"))


def test_member_creates_a_batch_for_all_czech_offices_with_three_signers_downloads_and_posts_it(
    client, member, template, group, czech_offices, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("printing:batch_new"), batch_data(template, group))
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "printing:batch_detail", kwargs={"batch_id": batch.pk}
    )

    detail = client.get(response["Location"]).content.decode()
    assert "Generated" in detail and 'http-equiv="refresh"' not in detail
    download = client.get(reverse("printing:batch_download", kwargs={"batch_id": batch.pk, "kind": "pdf"}))
    assert download["Content-Disposition"].startswith("attachment")
    assert len(pdf_pages_text(b"".join(download.streaming_content))) == 1 + 9 + 1

    response = client.post(
        reverse("printing:batch_posted", kwargs={"batch_id": batch.pk}), {"posted_on": timezone.localdate()}
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.POSTED
    assert sum(ContactEvent.objects.filter(channel=ContactChannel.POST).values_list("quantity", flat=True)) == 9
    page = client.get(reverse("printing:batch_detail", kwargs={"batch_id": batch.pk})).content.decode()
    assert "Posted" in page and "Download the PDF" not in page


def test_a_batch_past_retention_explains_its_files_are_gone_and_can_still_be_posted(
    client, member, template, group, czech_offices, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_SIGNERS_DAYS = 30
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("printing:batch_new"), batch_data(template, group))
    batch = Batch.objects.get()
    Batch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    batches_personal_data_expire()
    url = reverse("printing:batch_detail", kwargs={"batch_id": batch.pk})

    page = client.get(url).content.decode()
    assert "The files were deleted with the signer names after 30 days." in page
    assert "Download the PDF" not in page and "Mark as posted" in page
    client.post(reverse("printing:batch_posted", kwargs={"batch_id": batch.pk}), {"posted_on": timezone.localdate()})
    assert sum(ContactEvent.objects.filter(channel=ContactChannel.POST).values_list("quantity", flat=True)) == 9


def test_progress_page_refreshes_itself_while_rendering(client, member, template, group, czech_offices):
    client.force_login(member)
    client.post(reverse("printing:batch_new"), batch_data(template, group))  # on_commit not run: still queued
    batch = Batch.objects.get()
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.GENERATING, letters_rendered=3)

    page = client.get(reverse("printing:batch_detail", kwargs={"batch_id": batch.pk})).content.decode()

    assert '<meta http-equiv="refresh"' in page
    assert "3 of 9 letters rendered" in page


def test_bad_csv_rows_are_shown_as_form_errors(client, member, template, group, czech_offices):
    client.force_login(member)
    upload = SimpleUploadedFile("signers.csv", b"name,city\nAnna,Praha\n,Brno\n", content_type="text/csv")

    response = client.post(
        reverse("printing:batch_new"), batch_data(template, group, signers_text="", signers_csv=upload)
    )

    assert response.status_code == 400
    assert "Line 3: the name is missing." in response.content.decode()
    assert not Batch.objects.exists()


def test_an_oversized_csv_is_refused_without_reading_it_all(client, member, template, group, czech_offices):
    client.force_login(member)
    upload = SimpleUploadedFile("signers.csv", b"Anna,Praha\n" * 60000, content_type="text/csv")

    response = client.post(
        reverse("printing:batch_new"), batch_data(template, group, signers_text="", signers_csv=upload)
    )

    assert response.status_code == 400
    assert "The file is larger than 512 KB." in response.content.decode()
    assert not Batch.objects.exists()


def test_members_see_only_their_groups_batches(client, member, template, czech_offices):
    other_group = Group.objects.create(name="Elsewhere", country="CZ")
    client.force_login(member)

    response = client.post(reverse("printing:batch_new"), batch_data(template, other_group))

    assert response.status_code == 400 and not Batch.objects.exists()


def test_organisers_group_gets_printing_permissions_after_migrate(db):
    call_command("migrate", "printing", verbosity=0)  # post_migrate runs again; it must be repeatable
    codenames = set(
        AuthGroup.objects.get(name="Organisers")
        .permissions.filter(content_type__app_label="printing")
        .values_list("codename", flat=True)
    )
    assert {"add_batch", "change_batch", "view_batch", "add_group", "view_signer"} <= codenames


def test_future_posting_date_is_an_error_not_a_500(
    client, member, template, group, czech_offices, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("printing:batch_new"), batch_data(template, group, signer_mode=SignerMode.GROUP))
    batch = Batch.objects.get()

    response = client.post(
        reverse("printing:batch_posted", kwargs={"batch_id": batch.pk}),
        {"posted_on": timezone.localdate() + datetime.timedelta(days=2)},
    )

    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()


def test_form_list_and_login_pages_render(client, member, template, group, czech_offices):
    assert "Sign in to print batches" in client.get(reverse("printing:login")).content.decode()
    client.force_login(member)

    form = client.get(reverse("printing:batch_new")).content.decode()
    listing = client.get(reverse("printing:batch_list")).content.decode()

    assert 'enctype="multipart/form-data"' in form and "Brno stall" in form and "Czechia" in form
    assert "Embassy of Ukraine in Poland" in form  # offices of every country are offered; clean() checks them
    assert "No batches yet." in listing


def test_admin_lists_groups_and_batches_with_their_counts(
    admin_client, template, group, czech_offices, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch_create(
            campaign=template.campaign,
            template=template,
            group=group,
            host_country="CZ",
            selected_offices=None,
            signer_mode=SignerMode.HAND,
            signers=[],
        )

    assert "Brno stall" in admin_client.get(reverse("admin:printing_group_changelist")).content.decode()
    page = admin_client.get(reverse("admin:printing_batch_changelist")).content.decode()
    assert "Generated" in page


def test_batch_files_live_in_the_shared_bucket_when_one_is_configured(
    client, member, template, group, czech_offices, django_capture_on_commit_callbacks, s3_media
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("printing:batch_new"), batch_data(template, group))
    batch = Batch.objects.get()

    assert batch.status == BatchStatus.GENERATED
    assert sorted(key.rsplit(".", 1)[1] for key in s3_media()) == ["csv", "pdf"]
    assert all(key.startswith("media/print-batches/") for key in s3_media())
    download = client.get(reverse("printing:batch_download", kwargs={"batch_id": batch.pk, "kind": "pdf"}))
    assert len(pdf_pages_text(b"".join(download.streaming_content))) == 1 + 9 + 1
