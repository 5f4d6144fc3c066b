"""Benchmark: 1,000 letters as PDF, three ways. Run: .venv/bin/python bench/pdf_batch.py

1. naive per-letter: every letter its own WeasyPrint document (timed on 100 letters, scaled to 1,000);
2. naive single document: all 1,000 letters in one WeasyPrint document;
3. the batch renderer (printing.pdf.documents.batch_pdf_write, plus its one-page cover sheet):
   each office's letter laid out once with an empty signature slot, the signers' names laid out on light
   pages and drawn over it; chunks rendered in worker processes with a shared stylesheet and fonts;
   assembled with pypdf.

Each way runs in a fresh process so its peak memory (ru_maxrss) is its own; for the batch renderer the
peak is the parent's plus each worker's (conservative: as if all peaked at once). No database is used.
The last line is: speedup_vs_per_letter=X speedup_vs_single_doc=Y peak_rss_mb=Z
"""

import datetime
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

LETTERS = 1000
OFFICES = 20  # 20 offices x 50 signers: a group's batch for a large country
PER_LETTER_SAMPLE = 100

BODY = """{salutation},

We are addressing you on behalf of the citizens of {host_country} who disapprove of the war and who stand on the \
side of human dignity. It is with great concern that we observe the Ukrainian government preparing and promoting \
repressive measures in the form of Law No. 13673, directed against those who refused to be drawn into war. The draft \
of such laws criminalising conscientious objectors of military service and deserters is an attack on basic human rights.

We reject the idea of sacrificing human lives in an endless war conflict. The people who decided to leave Ukraine in \
order not to kill or die are not criminals. They are the people who had the courage to say NO to the war.

We ask you to convey our concerns and dissent to the Government of Ukraine and the Ukrainian Parliament, with a \
demand for:

1. An immediate halt to the preparation of the laws that threaten conscientious objectors and deserters, \
specifically Law No. 13673.

2. Respecting the right to refuse military service as guaranteed by the International human rights treaties.

3. Ensuring the protection of those who refused the war – whether in Ukraine or abroad.

We perceive the solidarity with Ukraine as solidarity with its ordinary working people who want to live in peace – \
not as a support of militarism and repression."""


def letters_build():
    import django

    django.setup()
    from campaign.rendering import letter_render
    from embassies.models import HeadTitle, Office, OfficeKind
    from printing.pdf.documents import PrintLetter

    kinds = [
        (OfficeKind.EMBASSY, HeadTitle.AMBASSADOR),
        (OfficeKind.CONSULATE, HeadTitle.CONSUL),
        (OfficeKind.HONORARY_CONSULATE, HeadTitle.HONORARY_CONSUL),
    ]
    offices = [
        Office(
            sending_country="UA",
            host_country="DE",
            kind=kinds[n % 3][0],
            head_title=kinds[n % 3][1],
            name=f"Konsulat der Ukraine Nr. {n}",
            street_lines=f"Straße {n}",
            postcode=f"{10000 + n}",
            city=f"Stadt {n}",
        )
        for n in range(OFFICES)
    ]
    signers = [(f"Signer {n} Dvořák", f"Town {n}") for n in range(LETTERS // OFFICES)]
    letters = []
    for office in offices:
        for name, city in signers:
            rendered = letter_render(
                subject="A protest against criminalisation of Ukrainian conscientious objectors and deserters",
                body=BODY,
                closing="Yours sincerely,",
                office=office,
                language="en",
                supporter_name=name,
                supporter_city=city,
                on_date=datetime.date(2026, 11, 24),
            )
            letters.append(
                PrintLetter(
                    letter=rendered,
                    recipient_name=office.name,
                    recipient_lines=tuple(office.postal_address_lines),
                    sender_name="Antimilitarists Berlin",
                    sender_city="Berlin",
                )
            )
    return letters


def run_per_letter(letters):
    from weasyprint import CSS, HTML

    from printing.pdf.documents import document_html, static_roots, stylesheet_path
    from printing.pdf.fetcher import StaticOnlyFetcher

    sample = letters[:PER_LETTER_SAMPLE]
    start = time.perf_counter()
    for letter in sample:
        fetcher = StaticOnlyFetcher(roots=static_roots())
        html = document_html(title="Letter", language="en", paper="a4", letters=[letter])
        HTML(string=html, base_url=Path(stylesheet_path()).parent.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            io.BytesIO(), stylesheets=[CSS(filename=stylesheet_path(), url_fetcher=fetcher)]
        )
    return (time.perf_counter() - start) * len(letters) / len(sample), 0


def run_single_doc(letters):
    from weasyprint import CSS, HTML

    from printing.pdf.documents import document_html, static_roots, stylesheet_path
    from printing.pdf.fetcher import StaticOnlyFetcher

    start = time.perf_counter()
    fetcher = StaticOnlyFetcher(roots=static_roots())
    html = document_html(title="Letters", language="en", paper="a4", letters=letters)
    with tempfile.TemporaryDirectory() as folder:
        HTML(string=html, base_url=Path(stylesheet_path()).parent.as_uri() + "/", url_fetcher=fetcher).write_pdf(
            Path(folder) / "single.pdf", stylesheets=[CSS(filename=stylesheet_path(), url_fetcher=fetcher)]
        )
    return time.perf_counter() - start, 0


def run_batch(letters):
    from django.conf import settings

    from printing.pdf.documents import CoverSheet, batch_pdf_write

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        pages = batch_pdf_write(
            letters=letters,
            cover=CoverSheet(context={"heading": "Bench", "rows": [], "total": len(letters)}),
            labels=[],
            target=Path(folder) / "batch.pdf",
            title="Letters",
            language="en",
            paper="a4",
        )
    assert pages == 1 + len(letters), pages
    return time.perf_counter() - start, settings.PRINT_BATCH_WORKERS


def measure(scenario: str) -> dict:
    """Runs in its own process."""
    letters = letters_build()
    seconds, workers = {"per_letter": run_per_letter, "single_doc": run_single_doc, "batch": run_batch}[scenario](
        letters
    )
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": own_mb + workers * child_mb, "own_mb": own_mb, "child_mb": child_mb}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--scenario":
        print(json.dumps(measure(sys.argv[2])))
        return
    results = {}
    for scenario in ("per_letter", "single_doc", "batch"):
        output = subprocess.run(
            [sys.executable, __file__, "--scenario", scenario], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        results[scenario] = json.loads(output.strip().splitlines()[-1])
        result = results[scenario]
        print(
            f"{scenario:>11}: {result['seconds']:7.2f} s for {LETTERS} letters "
            f"({1000 * result['seconds'] / LETTERS:.1f} ms/letter), peak RSS {result['peak_rss_mb']:.0f} MB"
        )
    speedup_per_letter = results["per_letter"]["seconds"] / results["batch"]["seconds"]
    speedup_single = results["single_doc"]["seconds"] / results["batch"]["seconds"]
    print(
        f"speedup_vs_per_letter={speedup_per_letter:.1f} speedup_vs_single_doc={speedup_single:.2f} "
        f"peak_rss_mb={results['batch']['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
