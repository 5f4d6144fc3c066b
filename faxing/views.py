"""Sinch's report that a fax went through or failed (its FAX_COMPLETED callback).

The address itself authenticates the report (tokens.py). Sinch sends JSON when asked to, as we do, and
multipart/form-data otherwise; both are read. It retries a report that is not answered 2xx, so a report that
cannot be read is answered 400 with the reason, and one that is read is answered 200 even when it changes nothing,
except a report that comes before the outbox's retry recorded its fax (409, so Sinch sends it again).
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import FaxReportTooEarly, fax_report_apply
from .tokens import fax_callback_token_valid


class UnreadableReport(ValueError):
    pass


@csrf_exempt
@require_POST
def sinch_callback(request: HttpRequest, letter_id: int, token: str) -> HttpResponse:
    if not fax_callback_token_valid(letter_id=letter_id, token=token):
        return JsonResponse({"error": "Unknown callback address."}, status=404)
    try:
        event, fax = _report_read(request)
    except RequestDataTooBig:
        return JsonResponse({"error": "The report is too large."}, status=413)
    except UnreadableReport as error:
        return JsonResponse({"error": str(error)}, status=400)
    if event != "FAX_COMPLETED":
        return JsonResponse({"applied": False, "reason": "Not a fax completion."})
    reason = str(fax.get("errorMessage") or fax.get("errorCode") or fax.get("errorType") or "")
    try:
        applied = fax_report_apply(
            letter_id=letter_id, fax_id=str(fax.get("id") or ""), status=str(fax.get("status") or ""), reason=reason
        )
    except FaxReportTooEarly:
        # Sinch sends a report again later when it is not answered 2xx.
        return JsonResponse(
            {"error": "The letter is not recorded as sent yet. Send the report again later."}, status=409
        )
    return JsonResponse({"applied": applied})


def _report_read(request: HttpRequest) -> tuple[str, dict]:
    if request.content_type == "application/json":
        report = _json_parse(request.body)
        if not isinstance(report, dict):
            raise UnreadableReport("The report is not a JSON object.")
        event, fax = report.get("event"), report.get("fax")
    elif request.content_type == "multipart/form-data":
        if "fax" not in request.POST:
            raise UnreadableReport("The report needs an event and a fax object.")
        event, fax = request.POST.get("event"), _json_parse(request.POST["fax"].encode())
    else:
        raise UnreadableReport("Send application/json or multipart/form-data.")
    if not isinstance(fax, dict) or not isinstance(event, str):
        raise UnreadableReport("The report needs an event and a fax object.")
    return event, fax


def _json_parse(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableReport("The report is not valid JSON.") from error
