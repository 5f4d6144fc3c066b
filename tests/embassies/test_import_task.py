"""Large admin imports run as a job: a worker checks every row, the organiser sees what would change on the job's
progress page and confirms, then a worker applies it. The same rules as the small import: rows outside the
organiser's countries are refused with their line, nothing is applied while any row has an error.

One test imports 400 rows above the default threshold; the others lower the threshold to keep the suite quick
(each row costs the import's full validation twice, checked and applied)."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from common.permissions import ORGANISERS_GROUP
from embassies.importing.jobs import PHASE_CHECKING, progress_note
from embassies.models import ImportJobStatus, Office, OfficeImportJob
from embassies.services import office_import_jobs_sweep, organiser_scope_set
from embassies.tasks import office_import_job_process_task
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:embassies_office_import")
HEADER = "sending_country,host_country,kind,city,email,phone\n"


def rows_csv(count: int, *, overrides: dict[int, str] | None = None) -> str:
    """`count` consulates in Czechia, one a line from line 2; `overrides` replaces whole lines by line number."""
    lines = [f"UA,CZ,consulate,Mesto {index},office{index}@example.org," for index in range(count)]
    for line, text in (overrides or {}).items():
        lines[line - 2] = text
    return HEADER + "\n".join(lines) + "\n"


def upload(client, content: str, **extra):
    file = SimpleUploadedFile("offices.csv", content.encode(), content_type="text/csv")
    return client.post(
        IMPORT, {"import_file": file, "format": "0", "resource": "0", **extra}, **extra.pop("headers", {})
    )


def job_page(job: OfficeImportJob) -> str:
    return reverse("admin:embassies_officeimportjob_change", args=[job.pk])


@pytest.fixture
def small_threshold(settings):
    settings.OFFICE_IMPORT_BACKGROUND_ROWS = 5


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run what services queue after commit, as a worker would (Celery is eager in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_400_row_import_is_checked_by_a_worker_shown_then_applied_once_confirmed(organiser_client, capture, settings):
    assert settings.OFFICE_IMPORT_BACKGROUND_ROWS == 300
    with capture():
        response = upload(organiser_client, rows_csv(400))

    job = OfficeImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_page(job)
    assert (job.status, job.rows_total, job.rows_processed) == (ImportJobStatus.CHECKED, 400, 400)
    assert not Office.objects.exists()  # the check writes nothing
    page = organiser_client.get(job_page(job)).content.decode()
    assert "checked, waiting for your confirmation" in page
    assert '<tr><th scope="row">New offices</th><td>400</td></tr>' in page
    assert "Mesto 0" in page and 'name="apply"' in page
    assert 'http-equiv="refresh"' not in page  # nothing runs while it waits for the organiser

    with capture():
        organiser_client.post(job_page(job), {"apply": "1"})

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.finished_at is not None
    assert Office.objects.filter(host_country="CZ").count() == 400
    assert LogEntry.objects.filter(user=job.user).count() == 400
    page = organiser_client.get(job_page(job)).content.decode()
    assert "Result" in page and "<td>400</td>" in page and 'name="apply"' not in page


def test_the_progress_page_counts_the_rows_and_refreshes_itself_while_the_worker_runs(organiser_client):
    upload(organiser_client, rows_csv(400))  # the worker has not started: nothing was committed
    job = OfficeImportJob.objects.get()

    waiting = organiser_client.get(job_page(job)).content.decode()
    progress_note(job_id=job.pk, phase=PHASE_CHECKING, processed=125)
    running = organiser_client.get(job_page(job)).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Checking: 0 of 400 rows." in waiting
    assert "Checking: 125 of 400 rows." in running
    assert '<progress max="400" value="125">' in running


def test_rows_with_errors_are_reported_by_line_and_nothing_is_imported(organiser_client, capture, small_threshold):
    content = rows_csv(12, overrides={5: "UA,CZ,consulate,Brno,brno@example.org,+420 12", 11: "UA,AT,embassy,Wien,,"})
    with capture():
        upload(organiser_client, content)

    job = OfficeImportJob.objects.get()
    assert job.status == ImportJobStatus.REFUSED
    errors = {error["line"]: " ".join(error["messages"]) for error in job.errors}
    assert set(errors) == {5, 11}
    assert "phone" in errors[5]
    assert "not one of the countries you look after" in errors[11]
    assert not Office.objects.exists()
    page = organiser_client.get(job_page(job)).content.decode()
    assert "Line 5:" in page and "Line 11:" in page and 'name="apply"' not in page
    with capture():  # a refused job cannot be applied by posting anyway
        organiser_client.post(job_page(job), {"apply": "1"})
    assert not Office.objects.exists()


def test_the_uploaded_file_is_deleted_when_the_job_ends(organiser_client, capture, small_threshold):
    with capture():
        upload(organiser_client, rows_csv(8))
    job = OfficeImportJob.objects.get()
    stored = job.file.name
    assert stored and default_storage.exists(stored)  # kept while the organiser decides

    with capture():
        organiser_client.post(job_page(job), {"apply": "1"})

    job.refresh_from_db()
    assert job.file.name == "" and not default_storage.exists(stored)


def test_a_discarded_job_changes_nothing_and_drops_the_file(organiser_client, capture, small_threshold):
    with capture():
        upload(organiser_client, rows_csv(8))
    job = OfficeImportJob.objects.get()
    stored = job.file.name

    with capture():
        organiser_client.post(job_page(job), {"discard": "1"})

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DISCARDED
    assert not default_storage.exists(stored)
    assert office_import_job_process_task.apply(args=[job.pk]).get() is None
    assert not Office.objects.exists()


def test_running_the_task_twice_changes_nothing(organiser_client, capture, small_threshold):
    OfficeFactory(host_country="CZ", kind="consulate", city="Mesto 3", email="office3@example.org", phone="")
    with capture():
        upload(organiser_client, rows_csv(8))
    job = OfficeImportJob.objects.get()
    assert office_import_job_process_task.apply(args=[job.pk]).get() is None  # checked already
    with capture():
        organiser_client.post(job_page(job), {"apply": "1"})
    job.refresh_from_db()
    before = (list(Office.objects.order_by("pk").values_list("pk", "updated_at")), LogEntry.objects.count())
    finished = (job.status, job.finished_at, job.totals)

    assert office_import_job_process_task.apply(args=[job.pk]).get() is None

    job.refresh_from_db()
    assert (job.status, job.finished_at, job.totals) == finished
    assert (list(Office.objects.order_by("pk").values_list("pk", "updated_at")), LogEntry.objects.count()) == before
    assert Office.objects.count() == 8  # the existing consulate was matched, not doubled


def test_another_organiser_can_neither_see_nor_open_nor_apply_the_job(
    organiser_client, capture, client, django_user_model, small_threshold
):
    with capture():
        upload(organiser_client, rows_csv(8))
    job = OfficeImportJob.objects.get()
    other = django_user_model.objects.create_user(username="piotr", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    organiser_scope_set(user=other, host_countries=["CZ"])
    client.force_login(other)

    listed = client.get(reverse("admin:embassies_officeimportjob_changelist")).context["cl"].result_list
    assert job not in listed
    assert client.get(job_page(job)).status_code in {403, 404}
    with capture():
        assert client.post(job_page(job), {"apply": "1"}).status_code in {403, 404}
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED and not Office.objects.exists()


def test_a_superuser_sees_every_job(organiser_client, capture, small_threshold, admin_client):
    with capture():
        upload(organiser_client, rows_csv(8))
    job = OfficeImportJob.objects.get()

    assert admin_client.get(job_page(job)).status_code == 200
    assert job in admin_client.get(reverse("admin:embassies_officeimportjob_changelist")).context["cl"].result_list


def test_small_files_keep_the_in_request_preview(organiser_client, small_threshold):
    response = upload(organiser_client, rows_csv(5))  # at the threshold, not above it

    assert response.status_code == 200 and "confirm_form" in response.context
    assert not OfficeImportJob.objects.exists()


def test_the_job_explains_in_the_organisers_language(organiser_client, settings):
    settings.OFFICE_IMPORT_BACKGROUND_ROWS = 2
    file = SimpleUploadedFile("offices.csv", rows_csv(3).encode(), content_type="text/csv")
    organiser_client.post(IMPORT, {"import_file": file, "format": "0", "resource": "0"}, HTTP_ACCEPT_LANGUAGE="de")

    assert OfficeImportJob.objects.get().language == "de"


def test_staff_who_may_not_import_cannot_see_import_jobs(client, django_user_model):
    clerk = django_user_model.objects.create_user(username="clerk", password="x", is_staff=True)
    client.force_login(clerk)

    assert client.get(reverse("admin:embassies_officeimportjob_changelist")).status_code == 403


def test_the_sweep_discards_jobs_never_confirmed_and_requeues_jobs_a_dead_worker_left(
    organiser_client, capture, small_threshold
):
    with capture():
        upload(organiser_client, rows_csv(8))
    forgotten = OfficeImportJob.objects.get()
    stored = forgotten.file.name
    upload(organiser_client, rows_csv(8))  # its worker died: never checked
    stuck = OfficeImportJob.objects.exclude(pk=forgotten.pk).get()
    later = timezone.now() + datetime.timedelta(days=2)

    with capture():
        assert (
            office_import_jobs_sweep(
                unconfirmed_after=datetime.timedelta(days=1), running_after=datetime.timedelta(minutes=30), now=later
            )
            == 2
        )

    forgotten.refresh_from_db()
    stuck.refresh_from_db()
    assert forgotten.status == ImportJobStatus.DISCARDED and not default_storage.exists(stored)
    assert stuck.status == ImportJobStatus.CHECKED
    assert not Office.objects.exists()
