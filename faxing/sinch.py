"""Sinch's Fax API (v3): send a PDF as a fax, and find a fax sent earlier. Its completion report arrives at
views.sinch_callback.

Sinch retries nothing we send, so a failed request is retried by the outbox. A fax whose request may have
reached Sinch is looked up before it is sent again: by the callback address, which is unique to the letter.
"""

import logging
from urllib.parse import quote

from django.conf import settings

import requests

from campaign.esp import EspLookupError, SendOutcome, SendResult

from .models import FaxGateway

logger = logging.getLogger(__name__)

# Our account's trouble, not the letter's: wrong keys (401), no credit (402), a project without fax (403).
# Worth retrying once an organiser has fixed it, within the outbox's retry window.
ACCOUNT_TROUBLE = {401, 402, 403}
LOOKUP_PAGE_SIZE = 1000  # Sinch's largest page
LOOKUP_MAX_PAGES = 20


class FaxApiError(Exception):
    """The fax API could not do what was asked now; try again later."""


class SinchFaxApi:
    def __init__(self, gateway: FaxGateway, *, session: requests.Session | None = None):
        self.gateway = gateway
        self.session = session or requests.Session()
        self.session.auth = (gateway.key_id, gateway.key_secret)

    @property
    def faxes_url(self) -> str:
        return f"{self.gateway.api_url.rstrip('/')}/v3/projects/{self.gateway.project_id}/faxes"

    def fax_send(self, *, to: str, pdf: bytes, filename: str, callback_url: str) -> SendOutcome:
        try:
            response = self.session.post(
                self.faxes_url,
                data={"to": to, "callbackUrl": callback_url, "callbackUrlContentType": "application/json"},
                files={"file": (filename, pdf, "application/pdf")},
                timeout=settings.FAX_API_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            return SendOutcome(SendResult.TRY_LATER, reason=f"The fax API did not answer: {error.__class__.__name__}")
        if response.status_code >= 500 or response.status_code == 429:
            return SendOutcome(SendResult.TRY_LATER, reason=api_reason(response))
        if response.status_code in ACCOUNT_TROUBLE:
            logger.error(
                "fax gateway for %s refused our account: HTTP %s", self.gateway.host_country, response.status_code
            )
            return SendOutcome(SendResult.TRY_LATER, reason=api_reason(response))
        if response.status_code >= 400:
            return SendOutcome(SendResult.REFUSED, reason=api_reason(response))
        fax_id = _json_object(response).get("id")
        if not isinstance(fax_id, str) or not fax_id:
            # Taken, perhaps, but unreadable: the retry looks the fax up before sending it again.
            return SendOutcome(SendResult.TRY_LATER, reason="The fax API answered without a fax id.")
        return SendOutcome(SendResult.ACCEPTED, message_id=fax_id)

    def fax_content_delete(self, *, fax_id: str) -> None:
        """Delete the document Sinch keeps of a fax (its record stays). Raises FaxApiError to be tried again."""
        try:
            response = self.session.delete(
                f"{self.faxes_url}/{quote(fax_id, safe='')}/file", timeout=settings.FAX_API_TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            raise FaxApiError(f"The fax API did not answer: {error.__class__.__name__}") from error
        if response.status_code not in (200, 202, 204, 404):  # 404: nothing (left) to delete
            raise FaxApiError(api_reason(response))

    def fax_find(self, *, to: str, callback_url: str) -> str | None:
        """The id of an outbound fax to this number sent with this callback address, None if there is none.

        A campaign sends many faxes to one office, and Sinch documents no order for its list: every page is read."""
        for page in range(1, LOOKUP_MAX_PAGES + 1):
            faxes, total = self._faxes_page(to=to, page=page)
            for fax in faxes:
                if isinstance(fax, dict) and fax.get("callbackUrl") == callback_url and fax.get("id"):
                    return str(fax["id"])
            if len(faxes) < LOOKUP_PAGE_SIZE or (total is not None and page * LOOKUP_PAGE_SIZE >= total):
                return None
        # Rather wait (and in the end fail visibly) than send a fax that may have gone already.
        raise EspLookupError("Too many faxes to this number to look through.")

    def _faxes_page(self, *, to: str, page: int) -> tuple[list, int | None]:
        try:
            response = self.session.get(
                self.faxes_url,
                params={"direction": "OUTBOUND", "to": to, "pageSize": LOOKUP_PAGE_SIZE, "page": page},
                timeout=settings.FAX_API_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            raise EspLookupError(f"The fax API did not answer: {error.__class__.__name__}") from error
        if response.status_code != 200:
            raise EspLookupError(api_reason(response))
        body = _json_object(response)
        faxes, total = body.get("faxes"), body.get("totalItems")
        if not isinstance(faxes, list):
            raise EspLookupError("The fax API's list of faxes could not be read.")
        return faxes, total if isinstance(total, int) else None


def api_reason(response: requests.Response) -> str:
    """The API's own words for a refusal, with the HTTP status, in at most 500 characters."""
    body = _json_object(response)
    parts = [str(body.get("message") or body.get("error") or response.reason or "")]
    details = body.get("details")
    violations = details.get("fieldViolations") if isinstance(details, dict) else None
    if isinstance(violations, list):
        parts += [str(item.get("description", "")) for item in violations if isinstance(item, dict)]
    text = "; ".join(part for part in parts if part)
    return f"HTTP {response.status_code}: {text}"[:500] if text else f"HTTP {response.status_code}"


def _json_object(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
