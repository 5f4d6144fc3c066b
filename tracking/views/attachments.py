"""Organisers download a reply's attachment: always as a download, never shown inline by the browser."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_http_methods

from ..selectors import reply_attachment_get


@require_http_methods(["GET", "HEAD"])
@staff_member_required
@permission_required("tracking.view_reply", raise_exception=True)
def reply_attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = reply_attachment_get(attachment_id=attachment_id, user=request.user)
    if attachment is None or not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
