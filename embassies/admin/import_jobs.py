"""Large admin imports: above OFFICE_IMPORT_BACKGROUND_ROWS rows the upload becomes a job that a worker checks
and, once its organiser confirms, applies; its page shows how far it got. An organiser sees only their own jobs."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from import_export.forms import ImportForm

from ..importing.jobs import dataset_read, import_format_find, progress_read
from ..models import ImportJobStatus, OfficeImportJob
from ..selectors import office_import_jobs_visible
from ..services import office_import_job_confirm, office_import_job_create, office_import_job_discard
from .scoped import CountryScopedAdmin

PROGRESS_TEMPLATE = "admin/embassies/officeimportjob/progress.html"
REFRESH_SECONDS = 2


class BackgroundImportMixin:
    """For an ImportExportModelAdmin: a file with many rows is checked and applied by a worker instead of inside
    the request, with the same preview-then-confirm steps."""

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and self.has_import_permission(request):
            import_form = self.create_import_form(request)
            if import_form.is_valid():
                job = self.import_job_for_large_file(request, import_form)
                if job is not None:
                    return HttpResponseRedirect(reverse("admin:embassies_officeimportjob_change", args=[job.pk]))
        return super().import_action(request, **kwargs)

    def import_job_for_large_file(self, request: HttpRequest, import_form: ImportForm) -> OfficeImportJob | None:
        """A job for a file above the threshold; None for the small import to handle as before (including any
        file it cannot read, which it explains)."""
        input_format = self.get_import_formats()[int(import_form.cleaned_data["format"])]()
        if import_format_find(title=input_format.get_title()) is None:
            return None
        upload = import_form.cleaned_data["import_file"]
        content = b"".join(upload.chunks())
        try:
            rows = len(dataset_read(content=content, file_format=input_format))
        except Exception:  # noqa: BLE001  (each format's reader raises its own errors; the small import reports them)
            return None
        if rows <= settings.OFFICE_IMPORT_BACKGROUND_ROWS:
            return None
        return office_import_job_create(
            user=request.user,
            upload=ContentFile(content),
            original_name=upload.name or "",
            file_format=input_format.get_title(),
            sending_state=import_form.cleaned_data.get("sending_state") or "",
            language=translation.get_language() or settings.LANGUAGE_CODE,
            rows_total=rows,
        )


@admin.register(OfficeImportJob)
class OfficeImportJobAdmin(CountryScopedAdmin):
    """Owner-scoped: a job may touch several countries, and the organiser's scope is enforced row by row when the
    worker runs it. The change page is the job's progress page."""

    list_display = ["original_name", "status", "rows_total", "created_at", "finished_at", "user"]
    list_filter = ["status"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficeImportJob]:
        return office_import_jobs_visible(user=request.user).select_related("user")

    def has_view_permission(self, request: HttpRequest, obj: OfficeImportJob | None = None) -> bool:
        # Whoever may import offices may follow their imports.
        return request.user.has_perms(["embassies.add_office", "embassies.change_office"])

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a job starts from the office import page

    def has_change_permission(self, request: HttpRequest, obj: OfficeImportJob | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OfficeImportJob | None = None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = self.get_object(request, unquote(object_id))
        if job is None:
            raise Http404(_("This import does not exist."))
        if request.method == "POST":
            return self._decision_take(request, job)
        progress = progress_read(job_id=job.pk) if job.is_running else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(name)s") % {"name": job.original_name},
            "opts": self.model._meta,
            "job": job,
            "statuses": ImportJobStatus,
            "progress": progress,
            "processed": (progress or {}).get("processed", job.rows_processed),
            "refresh_seconds": REFRESH_SECONDS if job.is_running else None,
            "offices_url": reverse("admin:embassies_office_changelist"),
            "import_url": reverse("admin:embassies_office_import"),
        }
        return TemplateResponse(request, PROGRESS_TEMPLATE, context)

    def _decision_take(self, request: HttpRequest, job: OfficeImportJob) -> HttpResponse:
        if "apply" in request.POST:
            if office_import_job_confirm(job=job):
                messages.success(request, _("The import has started."))
            else:
                messages.error(request, _("This import is not waiting for a confirmation."))
        elif "discard" in request.POST:
            if office_import_job_discard(job=job):
                messages.success(request, _("The import was discarded; nothing was changed."))
            else:
                messages.error(request, _("This import is not waiting for a confirmation."))
        return HttpResponseRedirect(request.path)
