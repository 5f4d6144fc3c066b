"""Benchmark: `manage.py import_offices` on generated files of two sizes. Run: .venv/bin/python bench/import.py

Each file has N valid rows in the directory's CSV layout, each a different office: sending states, host countries
and cities vary, emails are unique, phone numbers are phonenumbers' example fixed-line number of the host country,
some rows carry a Wikidata id and most a source of their own. Every run imports one file into a fresh SQLite
database (a copy of one migrated once), through the management command; the sizes alternate, REPEATS runs each.
The import is linear when a row costs the same in the large file as in the small one.
The last line is: per_row_ratio=X (per-row time of the large file over that of the small one; target <= 1.3)
"""

import csv
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

SMALL, LARGE = (int(size) for size in os.environ.get("BENCH_IMPORT_SIZES", "5000,50000").split(","))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SENDING = ["UA", "PL", "CZ", "LT", "LV", "EE", "SK", "RO", "MD", "GE"]
HOSTS = ["DE", "FR", "AT", "IT", "ES", "NL", "BE", "SE", "PT", "GB", "US", "CA", "JP", "CH", "NO", "DK", "FI", "IE"]
KINDS = ["consulate", "consulate general", "honorary consulate"]
COLUMNS = [
    "sending_country", "host_country", "kind", "name", "street_lines", "postcode", "city", "email", "phone",
    "website", "languages", "source", "source_date", "wikidata_id",
]  # fmt: skip


def rows_csv(count: int) -> bytes:
    import phonenumbers

    phones = {
        host: phonenumbers.format_number(
            phonenumbers.example_number_for_type(host, phonenumbers.PhoneNumberType.FIXED_LINE),
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        )
        for host in HOSTS
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(count):
        sending = SENDING[n % len(SENDING)]
        host = HOSTS[(n // len(SENDING)) % len(HOSTS)]
        if host == sending:
            host = "DE"
        writer.writerow(
            [
                sending,
                host,
                KINDS[n % len(KINDS)],
                "",  # generated: "Consulate of Ukraine in City 17"
                f"Street {n % 97} {n % 13 + 1}",
                f"{10000 + n % 89999}",
                f"City {n}",
                f"office{n}@mfa-{sending.lower()}.example.org",
                phones[host],
                f"https://office{n}.mfa-{sending.lower()}.example.org/",
                "en",
                f"https://mfa-{sending.lower()}.example.org/offices/{n}" if n % 5 else "Foreign ministry list",
                f"2025-{n % 12 + 1:02d}-01",
                f"Q{1000000 + n}" if n % 3 == 0 else "",
            ]
        )
    return out.getvalue().encode()


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    database = workdir / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()
    template = workdir / "migrated.sqlite3"
    shutil.move(database, template)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)

    files = {}
    for size in (SMALL, LARGE):
        files[size] = workdir / f"offices-{size}.csv"
        files[size].write_bytes(rows_csv(size))

    times: dict[int, list[float]] = {SMALL: [], LARGE: []}
    try:
        for repeat in range(REPEATS):
            for size in (SMALL, LARGE) if repeat % 2 == 0 else (LARGE, SMALL):
                connection.close()
                for suffix in ("-wal", "-shm"):
                    Path(f"{database}{suffix}").unlink(missing_ok=True)
                shutil.copy(template, database)
                output = io.StringIO()
                start = time.perf_counter()
                call_command("import_offices", str(files[size]), stdout=output)
                times[size].append(time.perf_counter() - start)
                summary = output.getvalue().strip().splitlines()[-1]
                if f"created: {size}," not in summary or "rejected: 0" not in summary:
                    raise SystemExit(f"unexpected import result for {size} rows: {summary}")
                print(f"  run {repeat + 1}: {size} rows in {times[size][-1]:.2f} s", file=sys.stderr)
    finally:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"import_offices, generated rows, fresh SQLite database per run, {REPEATS} interleaved runs per size")
    print(f"{'rows':>7} {'min s':>8} {'median s':>9} {'max s':>8} {'per row ms':>11}")
    per_row = {}
    for size in (SMALL, LARGE):
        median = statistics.median(times[size])
        per_row[size] = median / size
        print(
            f"{size:>7} {min(times[size]):>8.2f} {median:>9.2f} {max(times[size]):>8.2f} {per_row[size] * 1000:>11.3f}"
        )
    print(f"per_row_ratio={per_row[LARGE] / per_row[SMALL]:.2f}")


if __name__ == "__main__":
    main()
