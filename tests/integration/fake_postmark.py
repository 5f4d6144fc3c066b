"""A local HTTP server that answers like Postmark's API: POST /email, GET /messages/outbound.

Faults a test can inject: `down` (every API call answers 500, as in an outage), `letter_failures_left` (the next
letters answer 500), `delay_seconds` (answer late, after accepting), `hold()`/`release()` (accept, then keep the
answer until the test releases it: the worker waits mid-request while the test acts).
"""

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SERVER_TOKEN = "integration-server-token"


class FakePostmark:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[dict] = []  # every message Postmark would deliver, in arrival order
        self.letter_failures_left = 0  # answer 500 to this many letter sends
        self.delay_seconds = 0.0  # after accepting, before answering: a worker may die in between
        self.down = False  # an outage: every call, send or search, answers 500 and nothing is accepted
        self.answers = threading.Event()  # cleared by hold(): accepted messages wait for release() to be answered
        self.answers.set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), PostmarkHandler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> "FakePostmark":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.answers.set()
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.accepted.clear()
            self.letter_failures_left = 0
            self.delay_seconds = 0.0
            self.down = False
        self.answers.set()

    def hold(self) -> None:
        """From now on, accept each message but keep its answer until release(): its sender waits mid-request."""
        self.answers.clear()

    def release(self) -> None:
        self.answers.set()

    def letter_refs(self) -> list[str]:
        with self.lock:
            return [
                message["Metadata"]["letter_ref"] for message in self.accepted if "letter_ref" in message["Metadata"]
            ]

    def supporter_emails(self, tag: str) -> list[dict]:
        """Accepted mail to supporters (no letter_ref) with this tag: "confirmation", "copy"."""
        with self.lock:
            return [
                message
                for message in self.accepted
                if "letter_ref" not in message["Metadata"] and message.get("Tag") == tag
            ]

    def accept(self, message: dict) -> str | None:
        """The new message's id, or None when it is to fail (`down`, or a letter while `letter_failures_left`)."""
        with self.lock:
            if self.down:
                return None
            if "letter_ref" in message["Metadata"] and self.letter_failures_left > 0:
                self.letter_failures_left -= 1
                return None
            message_id = str(uuid.uuid4())
            self.accepted.append({**message, "MessageID": message_id})
            return message_id

    def find(self, metadata: dict[str, str]) -> list[dict]:
        """Accepted messages whose metadata holds all of `metadata`."""
        with self.lock:
            return [
                message
                for message in self.accepted
                if all(message["Metadata"].get(key) == value for key, value in metadata.items())
            ]


class PostmarkHandler(BaseHTTPRequestHandler):
    """One request to the fake API; the FakePostmark it answers for is `self.server.fake`."""

    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender is gone (a killed worker): the message stays accepted, as at Postmark

    def _authorised(self) -> bool:
        if self.headers.get("X-Postmark-Server-Token") == SERVER_TOKEN:
            return True
        self._reply(401, {"ErrorCode": 10, "Message": "No Account or Server API tokens were supplied."})
        return False

    def do_POST(self):
        if urlsplit(self.path).path != "/email":
            return self._reply(404, {"ErrorCode": 404, "Message": "Not found"})
        if not self._authorised():
            return None
        message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        message.setdefault("Metadata", {})
        message_id = self.server.fake.accept(message)
        if message_id is None:
            return self._reply(500, {"ErrorCode": 500, "Message": "Internal server error"})
        time.sleep(self.server.fake.delay_seconds)
        self.server.fake.answers.wait(timeout=60)
        return self._reply(
            200,
            {
                "To": message["To"],
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            },
        )

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path != "/messages/outbound":
            return self._reply(404, {"ErrorCode": 404, "Message": "Not found"})
        if not self._authorised():
            return None
        if self.server.fake.down:
            return self._reply(500, {"ErrorCode": 500, "Message": "Internal server error"})
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        wanted = {key[len("metadata_") :]: value for key, value in query.items() if key.startswith("metadata_")}
        found = self.server.fake.find(wanted)
        count = int(query.get("count", 50))
        return self._reply(
            200,
            {
                "TotalCount": len(found),
                "Messages": [
                    {"MessageID": message["MessageID"], "To": [], "Metadata": message["Metadata"]}
                    for message in found[:count]
                ],
            },
        )
