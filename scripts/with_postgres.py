#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server that lives only as long as the command.

    scripts/with_postgres.py CMD [ARGS...]

Finds initdb, pg_ctl and postgres (PATH first, then the newest /usr/lib/postgresql/<version>/bin), creates a cluster
in a temporary folder and starts it on a free port of 127.0.0.1, with trust authentication and without durability
(fsync off: nothing in it has to survive a crash). The cluster's superuser role `letters` owns the database
`letters`; CMD runs with DATABASE_URL=postgres://letters@127.0.0.1:<port>/letters, and its exit code is ours.
The server is stopped and the folder deleted in every case: CMD failing, Ctrl-C, SIGTERM.

initdb and postgres refuse to run as root. As root, they run as the system user letters-pg (created when missing)
or, if it cannot be created, as nobody. Never touches the Debian cluster or its service. Standard library only.
"""

import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType

BINARIES = ("initdb", "pg_ctl", "postgres")
VERSIONED_BINDIRS = Path("/usr/lib/postgresql")
SERVER_USER = "letters-pg"
FALLBACK_USER = "nobody"
ROLE = "letters"  # the cluster's bootstrap superuser: pytest-django and the integration tests create databases
DATABASE = "letters"
START_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it
START_TIMEOUT_SECONDS = 60


class ServerError(Exception):
    """The server could not be set up; the message says what failed and shows the server's output."""


def binaries_find() -> dict[str, Path]:
    """initdb, pg_ctl and postgres from PATH, or else from the newest /usr/lib/postgresql/<version>/bin."""
    on_path = {name: shutil.which(name) for name in BINARIES}
    if all(on_path.values()):
        return {name: Path(path) for name, path in on_path.items()}
    for bindir in sorted(VERSIONED_BINDIRS.glob("*/bin"), key=_version_key, reverse=True):
        if all(os.access(bindir / name, os.X_OK) for name in BINARIES):
            return {name: bindir / name for name in BINARIES}
    raise ServerError(
        "PostgreSQL's server programs (initdb, pg_ctl, postgres) are not installed: "
        "run `scripts/system-packages.sh test` (Debian package postgresql)."
    )


def _version_key(bindir: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/15/bin → (15,); 9.6 → (9, 6); a folder that is no version sorts last."""
    version = bindir.parent.name
    return tuple(int(part) for part in version.split(".")) if re.fullmatch(r"\d+(\.\d+)*", version) else (-1,)


def server_user() -> pwd.struct_passwd | None:
    """The unprivileged account the server runs as when we are root; None when we are not (we run it ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    command = ["useradd", "--system", "--no-create-home", SERVER_USER]
    if Path("/usr/sbin/nologin").exists():
        command[1:1] = ["--shell", "/usr/sbin/nologin"]
    try:
        subprocess.run(command, capture_output=True, check=False)
    except OSError:
        pass  # no useradd: fall back below
    try:
        return pwd.getpwnam(SERVER_USER)  # created now, or by a run that raced us
    except KeyError:
        return pwd.getpwnam(FALLBACK_USER)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_locale() -> str:
    """C.UTF-8 where the system has it (byte order like SQLite, Unicode-aware upper/lower), else C."""
    available = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    return "C.UTF-8" if {"C.utf8", "C.UTF-8"} & set(available) else "C"


class Server:
    """One throwaway cluster in its own temporary folder."""

    def __init__(self, *, binaries: dict[str, Path], user: pwd.struct_passwd | None) -> None:
        self.binaries = binaries
        self.user = user
        self.folder = Path(tempfile.mkdtemp(prefix="letters-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        if user is not None:
            os.chown(self.folder, user.pw_uid, user.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    def version(self) -> str:
        output = self._run([self.binaries["postgres"], "--version"]).stdout.strip()
        return output.split("(PostgreSQL)")[-1].strip() or output

    def create(self) -> None:
        self._run(
            [self.binaries["initdb"], "--pgdata", str(self.data), "--username", ROLE, "--auth", "trust"]
            + ["--encoding", "UTF8", "--locale", server_locale(), "--no-sync"],
            what="initdb",
        )
        # Single-user mode before the server starts: no client program needed to create the database.
        result = self._run(
            [self.binaries["postgres"], "--single", "-D", str(self.data), "postgres"],
            what="CREATE DATABASE",
            stdin=f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}";\n',
        )
        if "ERROR" in result.stderr:
            raise ServerError(f"CREATE DATABASE failed:\n{result.stderr}")

    def start(self) -> None:
        for attempt in range(1, START_ATTEMPTS + 1):
            self.port = free_port()
            settings = {
                "listen_addresses": "127.0.0.1",
                "port": str(self.port),
                "unix_socket_directories": str(self.folder),
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
            }
            options = " ".join(f"-c {shlex.quote(f'{name}={value}')}" for name, value in settings.items())
            command = [self.binaries["pg_ctl"], "start", "-D", str(self.data), "-l", str(self.log), "-w"]
            command += ["-t", str(START_TIMEOUT_SECONDS), "-p", str(self.binaries["postgres"]), "-o", options]
            try:
                self._run(command, what="pg_ctl start")  # -w: returns once the server accepts connections
                return
            except ServerError:
                if attempt == START_ATTEMPTS or "Address already in use" not in self._log_tail():
                    raise
                self.stop()

    def stop(self) -> None:
        """Stop the server if it runs: fast shutdown, then immediate, then SIGKILL. Never raises."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return
        for mode in ("fast", "immediate"):
            command = [self.binaries["pg_ctl"], "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30"]
            try:
                self._run(command, what="pg_ctl stop")
                return
            except (ServerError, OSError):
                continue
        try:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass

    def delete(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def _run(self, command: list, *, what: str = "", stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run a PostgreSQL program as the server's user, in the server's folder, without PG* variables."""
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        environment["LC_MESSAGES"] = "C"
        as_user = {}
        if self.user is not None:
            as_user = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(part) for part in command],
            cwd=self.folder,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            **as_user,
        )
        if result.returncode != 0:
            raise ServerError(
                f"{what or command[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}{self._log_tail()}"
            )
        return result


class Signals:
    """SIGTERM and SIGHUP go on to the command while it runs, and end the setup before it does.

    Ctrl-C reaches the command from the terminal by itself: we wait for it to finish its own clean-up.
    """

    def __init__(self) -> None:
        self.child: subprocess.Popen | None = None
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._forward)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        if self.child is None:
            raise SystemExit(128 + signum)
        self.child.send_signal(signum)

    def child_wait(self) -> int:
        assert self.child is not None
        while True:
            try:
                returncode = self.child.wait()
            except KeyboardInterrupt:
                continue  # the command got the same Ctrl-C: let it stop by itself
            return 128 - returncode if returncode < 0 else returncode

    @staticmethod
    def ignore_interrupts() -> None:
        """While we clean up: a second Ctrl-C must not leave a server running."""
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        return 2
    signals = Signals()
    server = None
    try:
        server = Server(binaries=binaries_find(), user=server_user())
        server.create()
        server.start()
        print(
            f"with_postgres: PostgreSQL {server.version()} on 127.0.0.1:{server.port} "
            f"(throwaway, in {server.folder}); running {shlex.join(argv)}",
            file=sys.stderr,
            flush=True,
        )
        try:
            signals.child = subprocess.Popen(argv, env={**os.environ, "DATABASE_URL": server.url})
        except OSError as error:
            print(f"with_postgres: cannot run {argv[0]}: {error}", file=sys.stderr)
            return 127
        return signals.child_wait()
    except ServerError as error:
        print(f"with_postgres: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        signals.ignore_interrupts()
        if server is not None:
            server.stop()
            server.delete()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
