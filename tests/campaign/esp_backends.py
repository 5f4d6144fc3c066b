"""Email backends for tests: anymail's test backend answering like an ESP that fails in given ways."""

import json

import requests
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailRequestsAPIError


def esp_error(status_code: int, message: str) -> AnymailRequestsAPIError:
    response = requests.Response()
    response.status_code = status_code
    response.reason = message
    response._content = json.dumps({"ErrorCode": 300, "Message": message}).encode()
    return AnymailRequestsAPIError(f"ESP API response {status_code}", response=response, status_code=status_code)


class FlakyBackend(AnymailTestBackend):
    """Answers 503 to the first `failures_left` letters, then accepts."""

    failures_left = 0

    def post_to_esp(self, payload, message):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise esp_error(503, "Service Unavailable")
        return super().post_to_esp(payload, message)


class RejectingBackend(AnymailTestBackend):
    """Answers like Postmark's 422 for an invalid request: a permanent error."""

    def post_to_esp(self, payload, message):
        raise esp_error(422, "Invalid 'To' address")
