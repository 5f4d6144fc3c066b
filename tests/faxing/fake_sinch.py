"""A local HTTP server that answers like Sinch's Fax API (v3), and the completion reports Sinch posts back.

From Sinch's OpenAPI spec and docs: POST /v3/projects/{projectId}/faxes takes HTTP Basic auth (key id, key secret)
and multipart/form-data with `to` (E.164), `file` (the PDF), `callbackUrl` and `callbackUrlContentType`, and
answers 200 with the new Fax object. Refusals are JSON {"code", "error", "message", "details"}, except 401, which
has an empty body. GET on the same path lists faxes, filtered by `to` and `direction`, in pages of at most 1000
(Sinch documents no order; this fake lists the oldest first, so a lookup must page to find a recent fax). When a fax is
done, Sinch posts FAX_COMPLETED to its callbackUrl: as JSON when asked to, as multipart/form-data by default.
"""

import base64
import datetime
import json
import re
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PROJECT_ID = "5b4c9e1d-7f1a-4b6e-9c2d-0a1b2c3d4e5f"
KEY_ID = "sinch-key-id"
KEY_SECRET = "sinch-key-secret"
SERVICE_ID = "01HDF5RZ4XJ2R0V6S3T9W8Y7QA"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
MAX_PAGE_SIZE = 1000
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

PAYMENT_REQUIRED = {
    "code": "402",
    "error": "Payment required",
    "message": "You have reached 0 balance on your account please make a payment.",
}
INTERNAL_ERROR = {
    "code": "500",
    "error": "Internal service error",
    "message": "Most likely a temporary issue, please try again later. If the problem persists, contact support.",
}


def invalid_parameters(field: str, description: str) -> dict:
    return {
        "code": "422",
        "error": "Invalid parameters",
        "message": "The request has invalid parameters.",
        "details": {"fieldViolations": [{"field": field, "description": description}]},
    }


def ulid() -> str:
    """An id shaped like Sinch's: a ULID, 26 characters of Crockford base32, time first."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class FakeSinch:
    def __init__(self, *, project_id: str = PROJECT_ID, key_id: str = KEY_ID, key_secret: str = KEY_SECRET) -> None:
        self.lock = threading.Lock()
        self.project_id, self.key_id, self.key_secret = project_id, key_id, key_secret
        self.faxes: list[dict] = []  # Sinch's Fax objects, oldest first
        self.uploads: list[dict] = []  # every accepted upload: to, callbackUrl, callbackUrlContentType, pdf, filename
        self.requests: list[tuple[str, str]] = []  # (method, path with query) of every request
        self.deleted: list[str] = []  # ids of the faxes whose document was deleted
        self.canned: list[tuple] = []  # what the next requests get instead of Sinch's own answer
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), SinchHandler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a handler still sleeping out a timeout must not hold up stop()
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def faxes_path(self) -> str:
        return f"/v3/projects/{self.project_id}/faxes"

    def start(self) -> "FakeSinch":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer_next(self, status: int, body: dict | str = "") -> None:
        """The next request gets this answer instead of Sinch's own (a dict as JSON, a string as text)."""
        with self.lock:
            self.canned.append(("answer", status, body))

    def accept_without_id_next(self) -> None:
        """The next upload is taken, but the answer lacks the fax's id (a proxy mangled it, say)."""
        with self.lock:
            self.canned.append(("no_id",))

    def drop_next(self) -> None:
        """The next upload is taken, then the connection closes before any answer."""
        with self.lock:
            self.canned.append(("drop",))

    def delay_next(self, seconds: float) -> None:
        """The next request is answered only after this pause."""
        with self.lock:
            self.canned.append(("delay", seconds))

    def canned_answer(self) -> tuple | None:
        with self.lock:
            return self.canned.pop(0) if self.canned else None

    def fax_create(self, *, fields: dict[str, str], file: dict) -> dict:
        fax = {
            "id": ulid(),
            "direction": "OUTBOUND",
            "from": "+14155552222",
            "to": fields["to"],
            "numberOfPages": 0,
            "status": "IN_PROGRESS",
            "headerPageNumbers": True,
            "callbackUrl": fields.get("callbackUrl", ""),
            "callbackUrlContentType": fields.get("callbackUrlContentType", "multipart/form-data"),
            "projectId": self.project_id,
            "serviceId": SERVICE_ID,
            "maxRetries": 3,
            "createTime": now_iso(),
        }
        with self.lock:
            self.faxes.append(fax)
            self.uploads.append(
                {**{key: fields.get(key, "") for key in ("to", "callbackUrl", "callbackUrlContentType")}, **file}
            )
        return fax

    def faxes_list(self, query: dict[str, list[str]]) -> dict:
        wanted = {key: query[key][0] for key in ("to", "direction") if key in query}
        page = max(int(query.get("page", ["1"])[0]), 1)
        page_size = min(max(int(query.get("pageSize", ["100"])[0]), 1), MAX_PAGE_SIZE)
        with self.lock:
            matching = [fax for fax in self.faxes if all(fax.get(k) == v for k, v in wanted.items())]
        start = (page - 1) * page_size
        return {
            "faxes": matching[start : start + page_size],
            "page": page,
            "pageSize": page_size,
            "totalItems": len(matching),
        }


def multipart_parse(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, dict]]:
    """The fields and files of a multipart/form-data body, byte for byte."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not match:
        raise ValueError("not multipart/form-data")
    delimiter = b"--" + match.group(1).encode()
    fields, files = {}, {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head.decode("utf-8").split("\r\n"))
        }
        disposition = headers.get("content-disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        if not name:
            continue
        if filename:
            files[name.group(1)] = {
                "filename": filename.group(1),
                "content_type": headers.get("content-type", ""),
                "pdf": content,
            }
        else:
            fields[name.group(1)] = content.decode("utf-8")
    return fields, files


def multipart_encode(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as Sinch sends its default callbacks: (body, content type)."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        chunks.append(value.encode() + b"\r\n")
    for name, (filename, content, content_type) in files.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        chunks.append(content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def completion_fax(
    fax: dict, *, status: str = "COMPLETED", error_message: str = "", error_code: int = 0, error_type: str = ""
) -> dict:
    """The fax as Sinch reports it when it is done: COMPLETED, or FAILURE with its error."""
    completed = {
        **fax,
        "status": status,
        "numberOfPages": 1,
        "price": {"amount": "0.07", "currencyCode": "USD"},
        "completedTime": now_iso(),
    }
    if status == "FAILURE":
        completed.update(
            errorCode=error_code or 34,
            errorType=error_type or "LINE_ERROR",
            errorMessage=error_message,
        )
    return completed


def completion_callback(
    fax: dict, *, as_json: bool = True, pdf: bytes = b"%PDF-1.7\n%%EOF\n", **completion: str | int
) -> tuple[bytes, str]:
    """The FAX_COMPLETED report Sinch posts to the fax's callbackUrl: (body, content type)."""
    event_time = now_iso()
    reported = completion_fax(fax, **completion)
    if as_json:
        body = {
            "event": "FAX_COMPLETED",
            "eventTime": event_time,
            "fax": reported,
            "files": [{"file": base64.b64encode(pdf).decode(), "fileType": "PDF"}],
        }
        return json.dumps(body).encode(), "application/json"
    return multipart_encode(
        {"event": "FAX_COMPLETED", "eventTime": event_time, "fax": json.dumps(reported)},
        {"file": (f"{reported['id']}.pdf", pdf, "application/pdf")},
    )


class SinchHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, body: dict | str = "") -> None:
        content_type, text = ("application/json", json.dumps(body)) if isinstance(body, dict) else ("text/plain", body)
        encoded = text.encode()
        self.send_response(status)
        if encoded:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def _authorised(self) -> bool:
        fake = self.server.fake
        expected = base64.b64encode(f"{fake.key_id}:{fake.key_secret}".encode()).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _canned(self) -> tuple | None:
        canned = self.server.fake.canned_answer()
        if canned and canned[0] == "delay":
            time.sleep(canned[1])
            return None
        return canned

    def do_GET(self):
        fake = self.server.fake
        fake.requests.append(("GET", self.path))
        canned = self._canned()
        if canned and canned[0] == "answer":
            return self._reply(canned[1], canned[2])
        if not self._authorised():
            return self._reply(401)
        url = urlsplit(self.path)
        if url.path != fake.faxes_path:
            return self._reply(404, {"code": "404", "error": "Not found", "message": "No such resource."})
        return self._reply(200, fake.faxes_list(parse_qs(url.query)))

    def do_DELETE(self):
        """DELETE …/faxes/{id}/file: Sinch deletes the fax's stored document and keeps its record (hasFile false)."""
        fake = self.server.fake
        fake.requests.append(("DELETE", self.path))
        canned = self._canned()
        if canned and canned[0] == "answer":
            return self._reply(canned[1], canned[2])
        if not self._authorised():
            return self._reply(401)
        prefix, _slash, fax_id = urlsplit(self.path).path.removesuffix("/file").rpartition("/")
        with fake.lock:
            found = [fax for fax in fake.faxes if fax["id"] == fax_id]
            gone = not found or found[0].get("hasFile") is False
            if prefix != fake.faxes_path or gone or not self.path.endswith("/file"):
                return self._reply(404, {"code": "404", "error": "Not found", "message": "No such resource."})
            found[0]["hasFile"] = False
            fake.deleted.append(fax_id)
        return self._reply(200)

    def do_POST(self):
        fake = self.server.fake
        fake.requests.append(("POST", self.path))
        body = self._body()
        canned = self._canned()
        if canned and canned[0] == "answer":
            return self._reply(canned[1], canned[2])
        if not self._authorised():
            return self._reply(401)
        if urlsplit(self.path).path != fake.faxes_path:
            return self._reply(404, {"code": "404", "error": "Not found", "message": "No such resource."})
        try:
            fields, files = multipart_parse(body, self.headers.get("Content-Type", ""))
        except (ValueError, UnicodeDecodeError):
            return self._reply(400, {"code": "400", "error": "Bad request", "message": "Expected multipart/form-data."})
        to = fields.get("to", "")
        if not E164.fullmatch(to):
            return self._reply(422, invalid_parameters("to", f"The ({to}) is not a valid phone number"))
        if "file" not in files:
            return self._reply(422, invalid_parameters("file", "A file or contentUrl is required"))
        fax = fake.fax_create(fields=fields, file=files["file"])
        if canned and canned[0] == "drop":
            self.close_connection = True
            return None
        if canned and canned[0] == "no_id":
            return self._reply(200, {key: value for key, value in fax.items() if key != "id"})
        return self._reply(200, fax)
