"""A real SMTP server on a local port, speaking enough of RFC 5321 for smtplib: it refuses chosen recipients
with the answer an office's server would give, can refuse the message after DATA, and can be stopped (down)
or made to say nothing (hanging)."""

import email
import socketserver
import threading
import time
from email.message import Message


class LocalSmtpServer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.refusals: dict[str, str] = {}  # recipient (lower case) → the RCPT answer, e.g. "550 5.1.1 ..."
        self.data_answer = "250 2.0.0 Ok: queued as 4F1A2B3C"
        self.greeting = "220 mail.office.test ESMTP"
        self.greeting_delay = 0.0
        self.received: list[tuple[str, list[str], Message]] = []  # (MAIL FROM, accepted RCPT TOs, message)
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
        self.server.daemon_threads = True
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> "LocalSmtpServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        """The server goes down: its port refuses connections from now on."""
        self.server.shutdown()
        self.server.server_close()

    def refuse(self, recipient: str, answer: str) -> None:
        with self.lock:
            self.refusals[recipient.lower()] = answer

    def rcpt_answer(self, recipient: str) -> str:
        with self.lock:
            return self.refusals.get(recipient.lower(), "250 2.1.5 Ok")

    def keep(self, mail_from: str, rcpt_tos: list[str], data: bytes) -> None:
        with self.lock:
            self.received.append((mail_from, rcpt_tos, email.message_from_bytes(data)))


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().split()[0].strip("<>") if ":" in argument else ""


class SmtpHandler(socketserver.StreamRequestHandler):
    def _say(self, *lines: str) -> None:
        self.wfile.write("".join(line + "\r\n" for line in lines).encode())

    def handle(self):
        fake = self.server.fake
        time.sleep(fake.greeting_delay)
        self._say(fake.greeting)
        if not fake.greeting.startswith("220"):
            return
        mail_from, rcpt_tos = "", []
        while line := self.rfile.readline():
            command = line.decode("utf-8", errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._say("250-mail.office.test", "250-8BITMIME", "250 SMTPUTF8")
            elif verb == "HELO":
                self._say("250 mail.office.test")
            elif verb == "MAIL":
                mail_from, rcpt_tos = _address(command), []
                self._say("250 2.1.0 Ok")
            elif verb == "RCPT":
                recipient = _address(command)
                answer = fake.rcpt_answer(recipient)
                if answer.startswith("250"):
                    rcpt_tos.append(recipient)
                self._say(answer)
            elif verb == "DATA":
                self._data(mail_from, rcpt_tos)
            elif verb == "RSET":
                mail_from, rcpt_tos = "", []
                self._say("250 2.0.0 Ok")
            elif verb == "NOOP":
                self._say("250 2.0.0 Ok")
            elif verb == "QUIT":
                self._say("221 2.0.0 Bye")
                return
            else:
                self._say("502 5.5.2 Error: command not recognized")

    def _data(self, mail_from: str, rcpt_tos: list[str]) -> None:
        if not rcpt_tos:
            self._say("554 5.5.1 Error: no valid recipients")
            return
        self._say("354 End data with <CR><LF>.<CR><LF>")
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        answer = self.server.fake.data_answer
        if answer.startswith("250"):
            self.server.fake.keep(mail_from, list(rcpt_tos), b"".join(lines))
        self._say(answer)
