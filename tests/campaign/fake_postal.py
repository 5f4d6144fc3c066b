"""A local HTTP server that answers like Postal's send API, and webhooks signed the way Postal signs them.

Postal's legacy API (postalserver/postal: app/controllers/legacy_api/) answers every request with HTTP 200; its
verdict is the JSON `status` ("success", "error", "parameter-error") with `data`. One message is created per
recipient, each with its own numeric id and token: the ids its webhooks report later. Webhooks carry an RSA
PKCS#1 v1.5 SHA-1 signature of the body in X-Postal-Signature, checked with POSTAL_WEBHOOK_KEY (the public key
after `p=` in `postal default-dkim-record`).
"""

import base64
import itertools
import json
import secrets
import threading
import uuid
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

API_KEY = "postal-server-api-key"
# Postal's own wording for the send API's refusals (app/controllers/legacy_api/send_controller.rb).
SEND_ERRORS = {
    "NoRecipients": "There are no recipients defined to receive this message",
    "NoContent": "There is no content defined for this e-mail",
    "FromAddressMissing": "The From address is missing and is required",
    "UnauthenticatedFromAddress": "The From address is not authorised to send mail from this server",
}


class FakePostal:
    def __init__(self, *, authenticated_domains: tuple[str, ...] = ("example.org", "campaign.test")) -> None:
        self.lock = threading.Lock()
        self.authenticated_domains = set(authenticated_domains)
        self.messages: list[dict] = []  # one per recipient, as Postal stores them
        self.requests: list[dict] = []  # the JSON of every accepted send request
        self.canned: list[tuple[int, str, str]] = []  # (HTTP status, content type, body) for the next requests
        self.message_ids = itertools.count(1001)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), PostalHandler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakePostal":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer_next(self, status: int, body: dict | str) -> None:
        """The next request gets this answer instead of Postal's own, e.g. a proxy's 503 while Postal restarts."""
        content_type, text = ("application/json", json.dumps(body)) if isinstance(body, dict) else ("text/html", body)
        with self.lock:
            self.canned.append((status, content_type, text))

    def canned_answer(self) -> tuple[int, str, str] | None:
        with self.lock:
            return self.canned.pop(0) if self.canned else None

    def send(self, request: dict) -> dict:
        """Postal's answer to /api/v1/send/message."""
        recipients = [parseaddr(address)[1] for field in ("to", "cc", "bcc") for address in request.get(field) or []]
        sender = parseaddr(request.get("from") or "")[1]
        if not recipients:
            return error("NoRecipients")
        if not (request.get("plain_body") or request.get("html_body")):
            return error("NoContent")
        if not sender:
            return error("FromAddressMissing")
        if sender.rpartition("@")[2] not in self.authenticated_domains:
            return error("UnauthenticatedFromAddress")
        created = {}
        with self.lock:
            self.requests.append(request)
            for address in recipients:
                created[address] = {"id": next(self.message_ids), "token": secrets.token_urlsafe(9)[:12]}
                self.messages.append({"rcpt_to": address, **created[address], "request": request})
        return success({"message_id": f"{uuid.uuid4()}@rp.postal.test", "messages": created})


def success(data: dict) -> dict:
    return {"status": "success", "time": 0.05, "flags": {}, "data": data}


def error(code: str, **data: str) -> dict:
    message = SEND_ERRORS.get(code)
    return {
        "status": "error",
        "time": 0.0,
        "flags": {},
        "data": {**({"message": message} if message else {}), **data, "code": code},
    }


class PostalHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, content_type: str, body: str) -> None:
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def do_POST(self):
        fake = self.server.fake
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        canned = fake.canned_answer()
        if canned:
            return self._reply(*canned)
        if self.path != "/api/v1/send/message":
            return self._reply(404, "text/html", "<h1>Not Found</h1>")
        key = self.headers.get("X-Server-API-Key")
        if not key:
            answer = error("AccessDenied", message="Must be authenticated as a server.")
        elif key != API_KEY:
            answer = error(
                "InvalidServerAPIKey", message="The API token provided in X-Server-API-Key was not valid.", token=key
            )
        else:
            answer = fake.send(request)
        return self._reply(200, "application/json", json.dumps(answer))


class PostalSigner:
    """Postal's signing key: signs webhook bodies, and gives the public half as POSTAL_WEBHOOK_KEY wants it."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def webhook_key(self) -> str:
        pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return "".join(pem.decode().splitlines()[1:-1])

    def sign(self, body: bytes) -> str:
        # SHA-1 because Postal signs X-Postal-Signature with it, and anymail checks that header.
        return base64.b64encode(self.private_key.sign(body, padding.PKCS1v15(), hashes.SHA1())).decode()  # noqa: S303


def message_event(
    *, event: str, status: str, message_id: int, to: str, details: str = "", output: str = "", uuid_: str = ""
) -> dict:
    """A Postal message status webhook (MessageSent, MessageDelayed, MessageDeliveryFailed, MessageHeld)."""
    return {
        "event": event,
        "timestamp": 1764000000.5,
        "payload": {
            "message": {
                "id": message_id,
                "token": "zw6psSlgo6ki",
                "direction": "outgoing",
                "message_id": f"{uuid.uuid4()}@rp.postal.test",
                "to": to,
                "from": "letters@campaign.test",
                "subject": "A protest",
                "timestamp": 1764000000.1,
                "spam_status": "NotChecked",
                "tag": "letter",
            },
            "status": status,
            "details": details,
            "output": output,
            "sent_with_ssl": True,
            "timestamp": 1764000000.4,
            "time": 0.4,
        },
        "uuid": uuid_ or str(uuid.uuid4()),
    }


def inbound_payload(*, message_id: int, rcpt_to: str, mail_from: str, raw_message: bytes) -> dict:
    """An HTTP endpoint's request for an incoming message, format "Delivered as the raw message"."""
    return {
        "id": message_id,
        "rcpt_to": rcpt_to,
        "mail_from": mail_from,
        # Ruby's Base64.encode64 breaks lines every 60 characters, as Postal sends it.
        "message": base64.encodebytes(raw_message).decode(),
        "base64": True,
        "size": len(raw_message),
    }
