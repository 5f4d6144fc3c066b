"""Benchmark: the public pages and the letter POST under load, on production settings. Run: .venv/bin/python bench/load.py

The stack, all on loopback: a throwaway PostgreSQL (scripts/with_postgres.py), a redis-server (cache and broker,
tests/processes.py), gunicorn with config/gunicorn.py (3 workers of 2 threads) and bench/load_settings.py, which is
config.settings.prod plus /bench/minimal/ (a view that renders nothing, through the same middleware: the baseline)
and the load test's limits (no minimum fill time, rate limits out of reach). No Celery worker runs: the POST's
confirmation emails wait in the broker's queue.
wrk drives each scenario with CONNECTIONS (50) keep-alive connections for BENCH_SECONDS (2 s, for the 2-core budget:
a full run takes about six minutes on an idle machine); scenarios are interleaved, BENCH_REPEATS (3) rounds at each
size.

Data sets (bench/load_data.py, bulk_create): small = 50 offices in 5 countries, 1,000 contact events, 1,000 letters;
large = 5,000 offices in 50 countries, 100,000 contact events, 100,000 letters (20,000 submissions of 5). The large
set is the small one grown, so the same pages are measured. bench/load_nginx.conf and bench/load_post.lua are the
proxy's configuration and wrk's POST script. Between runs the server is given time to finish what wrk left queued.
Pages: home, /embassies/, a country page (100 offices at large), the letter form, progress; the email POST (a
valid letter to 5 offices, a new address each time, CSRF token fetched once: any pair of cookie and token is
valid); at small data only the pages (for Z). At large data the home and progress pages are measured twice more:
- "django cache": a second gunicorn with Django's per-language page cache (BENCH_PAGE_CACHE=1, in Redis);
- "proxy": nginx with proxy_cache honouring the pages' Cache-Control, in front of the first gunicorn (the setup
  of deploy/nginx/letters.conf), when nginx is installed.
The proxy is the faster of the two, by a wide margin: a hit is answered by nginx without reaching gunicorn, while a
Django cache hit still costs a gunicorn thread, the middleware and a Redis round trip. So the site sends headers
for the proxy (common/caching.py) and keeps no page cache of its own; nothing needs invalidating but the
PUBLIC_CACHE_SECONDS (60 s) the proxy keeps a page. The run's own figures say so in the "cache" lines.

Errors count non-2xx/3xx answers, socket errors and timeouts (wrk's), POSTs that stored no letter, and every
connection of a run in which no request was answered at all.
The last line is: public_pages_ratio=X submit_ratio=Y errors=N scale_ratio=Z, where X is the lowest requests/s of a
public page served by Django (no cache) over the minimal view's, at large data; Y the POST's over the minimal
view's; Z the slowest public page's p50 latency at large data over its p50 at small data.
"""

import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CONNECTIONS = 50
SLUG = "law-13673"  # as bench/load_data.py
COUNTRY = "CZ"
BENCH_HOST = "letters.bench.test"
PAGES = {
    "home": "/en/",
    "embassies": "/en/embassies/",
    "country": f"/en/embassies/{COUNTRY.lower()}/",
    "letter form": f"/en/c/{SLUG}/{COUNTRY.lower()}/",
    "progress": f"/en/progress/{SLUG}/",
}
CACHED_COMPARED = ["home", "progress"]  # the most visited page and the heaviest
MINIMAL = "/bench/minimal/"
POST = "email POST"


@dataclass
class Run:
    size: str
    scenario: str
    server: str
    requests_per_second: float
    p50_ms: float
    errors: int


def inner_environment(*, workdir: Path, redis_url: str) -> dict[str, str]:
    """Production settings that pass the production checks, on loopback, with the load test's limits."""
    redis_base = redis_url.rsplit("/", 1)[0]
    unlimited = str(10**9)
    return {
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_SECRET_KEY": "bench-load-" + "k" * 60,
        "SITE_URL": f"https://{BENCH_HOST}",
        "DJANGO_ALLOWED_HOSTS": f"{BENCH_HOST},127.0.0.1",
        "DEFAULT_FROM_EMAIL": f"letters@{BENCH_HOST}",
        "REPLY_DOMAIN": f"reply.{BENCH_HOST}",
        "POSTMARK_SERVER_TOKEN": "bench",
        "POSTMARK_API_URL": "http://127.0.0.1:9/",  # nothing is sent: no worker runs
        "ANYMAIL_WEBHOOK_SECRET": "bench:bench-webhook-secret",
        "CELERY_BROKER_URL": f"{redis_base}/0",
        "REDIS_CACHE_URL": f"{redis_base}/1",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "FORM_MIN_FILL_SECONDS": "0",
        "RATE_LIMIT_LETTERS_PER_IP": unlimited,
        "RATE_LIMIT_LETTERS_PER_IP_CEILING": unlimited,
        "RATE_LIMIT_LETTERS_PER_EMAIL": unlimited,
        "LOG_LEVEL": "WARNING",
    }


def gunicorn_start(*, workdir: Path, port: int, name: str, extra: dict[str, str]) -> subprocess.Popen:
    log = (workdir / f"gunicorn-{name}.log").open("w")
    # No worker recycling during a run: a restart would show up as connection errors, not as the site's speed.
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--max-requests", "0"],
        cwd=ROOT,
        env={**os.environ, **extra},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


NGINX_CONF = Path(__file__).with_name("load_nginx.conf")


def nginx_start(*, workdir: Path, port: int, upstream: int) -> subprocess.Popen | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        return None
    folder = workdir / "nginx"
    (folder / "cache").mkdir(parents=True)
    # Run as root, nginx's workers drop to nobody, who must reach the cache.
    for path in (workdir, folder, folder / "cache"):
        path.chmod(0o777 if path != workdir else 0o755)
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.read_text()
        .replace("@DIR@", str(folder))
        .replace("@PORT@", str(port))
        .replace("@UPSTREAM@", str(upstream))
    )
    return subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def drain(*, port: int, p50_ms: float) -> None:
    """Waits out what the last run left queued in the server: wrk stops with a request open on each connection,
    and they take about one median latency to finish; then the server must answer once more."""
    time.sleep(min(p50_ms * 1.5 / 1000, 30))
    answers(port, timeout=10)


def answers(port: int, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{MINIMAL}", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def letter_post_body(*, port: int) -> tuple[str, str]:
    """The email channel's POST (without the address, which wrk adds) and the CSRF cookie it needs."""
    from campaign.selectors import office_queryset_for_letter
    from common.abuse import HONEYPOT_FIELD, STARTED_FIELD

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGES['letter form']}", timeout=10) as response:
        page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)

    def field(name: str) -> str:
        return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)

    from campaign.models import Campaign

    offices = [
        office.pk
        for office in office_queryset_for_letter(campaign=Campaign.objects.get(slug=SLUG), host_country=COUNTRY)
        if office.can_receive_email
    ][:5]
    fields = [
        ("csrfmiddlewaretoken", field("csrfmiddlewaretoken")),
        ("action", "email"),
        ("language", "en"),
        ("name", "Bench Supporter"),
        ("city", "Brno"),
        ("personal_paragraph", "I write because this law would make my brother a criminal."),
        (HONEYPOT_FIELD, ""),
        (STARTED_FIELD, field(STARTED_FIELD)),
        *(("offices", str(office)) for office in offices),
    ]
    return urllib.parse.urlencode(fields), cookie


POST_LUA = Path(__file__).with_name("load_post.lua")

LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk_run(*, url: str, seconds: int, script: Path | None = None, run_id: str = "") -> tuple[float, float, int, int]:
    """requests/s, p50 in ms, errors, requests completed."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script is not None:
        command += ["--", run_id]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if re.search(r"\b0 requests in", output):
        # No answer within the run: its connections all waited longer, which counts as timing out.
        return 0.0, seconds * 1000.0, CONNECTIONS, 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output).groups()
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return rps, float(value) * LATENCY_UNITS[unit], errors, requests


class Bench:
    def __init__(self, *, workdir: Path, ports: dict[str, int]) -> None:
        self.workdir = workdir
        self.ports = ports
        self.runs: list[Run] = []
        self.post_script = workdir / "post.lua"
        self.post_count = 0

    def scenarios(self, size: str) -> list[tuple[str, str]]:
        pages = [(name, "django") for name in PAGES]
        if size != "large":
            return pages  # the ratios need only the pages' latency at small data
        cached = [
            (name, server) for name in CACHED_COMPARED for server in ("django cache", "proxy") if server in self.ports
        ]
        return [(MINIMAL, "django"), *pages, (POST, "django"), *cached]

    def url(self, scenario: str, server: str) -> str:
        path = {MINIMAL: MINIMAL, POST: PAGES["letter form"]}.get(scenario) or PAGES[scenario]
        return f"http://127.0.0.1:{self.ports[server]}{path}"

    def post_prepare(self) -> None:
        body, cookie = letter_post_body(port=self.ports["django"])
        script = POST_LUA.read_text().replace("@BODY@", body).replace("@COOKIE@", cookie)
        self.post_script.write_text(script.replace("@HOST@", BENCH_HOST))

    def measure(self, *, size: str, scenario: str, server: str, seconds: int) -> Run:
        from campaign.models import Submission

        if scenario != POST:
            rps, p50, errors, _requests = wrk_run(url=self.url(scenario, server), seconds=seconds)
            # The proxy's misses queue in the Django server behind it.
            drain(port=self.ports["django" if server == "proxy" else server], p50_ms=p50)
            return Run(size, scenario, server, rps, p50, errors)
        self.post_count += 1
        before = Submission.objects.count()
        rps, p50, errors, requests = wrk_run(
            url=self.url(scenario, server), seconds=seconds, script=self.post_script, run_id=str(self.post_count)
        )
        drain(port=self.ports[server], p50_ms=p50)  # the letters still being stored count too
        stored = Submission.objects.count() - before
        return Run(size, scenario, server, rps, p50, errors + max(0, requests - errors - stored))

    def size_run(self, size: str) -> None:
        scenarios = self.scenarios(size)
        self.post_prepare()
        for scenario, server in scenarios:  # warm-up, not counted: caches filled, connections open
            self.measure(size=size, scenario=scenario, server=server, seconds=1)
        for repeat in range(REPEATS):
            for scenario, server in scenarios:
                run = self.measure(size=size, scenario=scenario, server=server, seconds=SECONDS)
                self.runs.append(run)
                print(
                    f"  {size} round {repeat + 1}: {scenario} ({server}) {run.requests_per_second:.0f}/s "
                    f"p50 {run.p50_ms:.1f} ms errors {run.errors}",
                    file=sys.stderr,
                )

    def of(self, size: str, scenario: str, server: str = "django") -> list[Run]:
        return [r for r in self.runs if (r.size, r.scenario, r.server) == (size, scenario, server)]

    def median_rps(self, size: str, scenario: str, server: str = "django") -> float:
        return statistics.median(r.requests_per_second for r in self.of(size, scenario, server))

    def median_p50(self, size: str, scenario: str, server: str = "django") -> float:
        return statistics.median(r.p50_ms for r in self.of(size, scenario, server))

    def report(self) -> None:
        print(
            f"Load: wrk, {CONNECTIONS} connections, {SECONDS} s a scenario, {REPEATS} interleaved rounds; gunicorn "
            "3x2 threads, PostgreSQL, Redis, production settings; requests/s min/median/max and median p50 latency"
        )
        print(f"{'size':<6} {'scenario':<12} {'server':<13} {'min/s':>8} {'median/s':>9} {'max/s':>8} {'p50 ms':>8}")
        keys = dict.fromkeys((r.size, r.scenario, r.server) for r in self.runs)
        for size, scenario, server in keys:
            values = [r.requests_per_second for r in self.of(size, scenario, server)]
            print(
                f"{size:<6} {scenario:<12} {server:<13} {min(values):>8.0f} {statistics.median(values):>9.0f} "
                f"{max(values):>8.0f} {self.median_p50(size, scenario, server):>8.1f}"
            )
        for page in CACHED_COMPARED:
            figures = {
                server: self.median_rps("large", page, server)
                for server in ("django", "django cache", "proxy")
                if self.of("large", page, server)
            }
            fastest = max(figures, key=figures.get)
            listed = ", ".join(f"{server} {value:.0f}/s" for server, value in figures.items())
            print(f"cache {page}: {listed}; fastest: {fastest}")
        minimal = self.median_rps("large", MINIMAL)
        public_ratio = min(self.median_rps("large", page) / minimal for page in PAGES)
        submit_ratio = self.median_rps("large", POST) / minimal
        slowest = max(PAGES, key=lambda page: self.median_p50("large", page))
        scale_ratio = self.median_p50("large", slowest) / self.median_p50("small", slowest)
        errors = sum(r.errors for r in self.runs)
        print(
            f"public_pages_ratio={public_ratio:.2f} submit_ratio={submit_ratio:.2f} errors={errors} "
            f"scale_ratio={scale_ratio:.2f}"
        )


def processes_end(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def inner() -> None:
    from tests.processes import RedisServer, free_port, wait_for

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    redis_server = RedisServer(workdir).start()
    processes: list[subprocess.Popen] = []
    try:
        os.environ.update(inner_environment(workdir=workdir, redis_url=redis_server.url))
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        call_command("load_sample_campaign", stdout=io.StringIO())
        from bench.load_data import SIZES, data_grow

        data_grow(**SIZES["small"])
        ports = {"django": free_port(), "django cache": free_port()}
        processes.append(gunicorn_start(workdir=workdir, port=ports["django"], name="direct", extra={}))
        processes.append(
            gunicorn_start(
                workdir=workdir, port=ports["django cache"], name="cache", extra={"BENCH_PAGE_CACHE": "true"}
            )
        )
        proxy_port = free_port()
        nginx = nginx_start(workdir=workdir, port=proxy_port, upstream=ports["django"])
        if nginx is not None:
            processes.append(nginx)
            ports["proxy"] = proxy_port
        else:
            print("nginx is not installed: the proxy's cache is not measured", file=sys.stderr)

        def up(port: int) -> bool:
            if any(process.poll() is not None for process in processes):
                raise AssertionError("a server stopped")
            return answers(port)

        for server, port in ports.items():
            try:
                wait_for(lambda port=port: up(port), timeout=180, message=server)
            except AssertionError:
                for log in workdir.glob("gunicorn-*.log"):
                    print(f"--- {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
                raise
        bench = Bench(workdir=workdir, ports=ports)
        bench.size_run("small")
        data_grow(**SIZES["large"])
        cache.clear()  # progress figures and Django's page cache start again from the large data
        bench.size_run("large")
        bench.report()
    finally:
        processes_end(processes)
        redis_server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    missing = [tool for tool in ("wrk", "redis-server") if not shutil.which(tool)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not installed: apt-get install wrk redis-server")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        inner()
        return
    # A throwaway PostgreSQL that lives as long as the inner run.
    command = [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), sys.executable, __file__]
    raise SystemExit(subprocess.run(command, cwd=ROOT, check=False).returncode)


if __name__ == "__main__":
    main()
