"""Benchmark: a group's batch of letters as PDF, three ways. Run: .venv/bin/python bench/pdf_batch.py [--quick]

1. per letter: every letter its own document through the project's engine, reused (stylesheet and fonts parsed
   once), as a fair baseline; timed on a sample of letters and scaled to the whole batch;
2. single document: every letter in one WeasyPrint document through the same engine;
3. the batch renderer (printing.pdf.batch.batch_pdf_write): each distinct text laid out once with empty slots,
   the signers' names and the offices' addresses laid out on light pages and drawn over it; chunks rendered in
   worker processes; assembled with pypdf.

Every way includes the cover sheet and the address labels (one per letter), and runs for two bodies: the sample
letter, and one with {supporter_name} (a text per signer, so only the addresses can be shared across offices).
Scenarios run interleaved, each in a fresh process, REPEATS times; the table shows min/median/max seconds.
Peak memory is the largest sum of the resident memory of the scenario's process and all its children, sampled
together every 50 ms from /proc (not the sum of each one's own peak).

The default is 600 letters (20 offices x 30 signers) rather than 1,000: the single document grows worse than
linearly and three repeats of it at 1,000 letters take too long on 2 shared cores. --quick: 200 letters.
The last line is:
speedup_vs_per_letter=X speedup_vs_single_doc=Y speedup_named_body=W peak_rss_mb=Z
(X and Y for the sample body; W is per letter / batch for the {supporter_name} body; Z the batch's largest peak.)
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

REPEATS = 3
SIZES = {"full": (20, 30, 60), "quick": (10, 20, 30)}  # offices, signers per office, per-letter sample

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
NAMED_BODY = BODY.replace("{salutation},\n\n", "{salutation},\n\nI, {supporter_name} from {supporter_city}, write.\n\n")


def letters_build(*, offices_count: int, signers_count: int, body: str):
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
        for n in range(offices_count)
    ]
    signers = [(f"Signer {n} Dvořák", f"Town {n}") for n in range(signers_count)]
    letters = []
    for office in offices:
        for name, city in signers:
            rendered = letter_render(
                subject="A protest against criminalisation of Ukrainian conscientious objectors and deserters",
                body=body,
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


def cover_and_labels(letters):
    from printing.pdf.documents import AddressLabel, CoverSheet

    cover = CoverSheet(context={"heading": "Bench", "rows": [], "total": len(letters)})
    return cover, [AddressLabel(name=letter.recipient_name, lines=letter.recipient_lines) for letter in letters]


def run_per_letter(letters, sample: int) -> float:
    from printing.pdf.documents import document_html, pdf_engine

    engine = pdf_engine()
    cover, labels = cover_and_labels(letters)
    html = {"title": "Letters", "language": "en", "paper": "a4"}
    engine.write(html=document_html(**html, letters=letters[:1]), target=os.devnull, tagged=False)  # warm up
    start = time.perf_counter()
    for letter in letters[:sample]:
        engine.write(html=document_html(**html, letters=[letter]), target=os.devnull, tagged=False)
    letters_seconds = (time.perf_counter() - start) * len(letters) / sample
    start = time.perf_counter()
    engine.write(html=document_html(**html, cover=cover), target=os.devnull, tagged=False)
    engine.write(html=document_html(**html, labels=labels), target=os.devnull, tagged=False)
    return letters_seconds + time.perf_counter() - start


def run_single_doc(letters, _sample: int) -> float:
    from printing.pdf.documents import document_html, pdf_engine

    cover, labels = cover_and_labels(letters)
    engine = pdf_engine()
    start = time.perf_counter()
    html = document_html(title="Letters", language="en", paper="a4", letters=letters, cover=cover, labels=labels)
    engine.write(html=html, target=os.devnull, tagged=False)
    return time.perf_counter() - start


def run_batch(letters, _sample: int) -> float:
    from printing.pdf.batch import batch_pdf_write

    cover, labels = cover_and_labels(letters)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        pages = batch_pdf_write(
            letters=letters,
            cover=cover,
            labels=labels,
            target=Path(folder) / "batch.pdf",
            title="Letters",
            language="en",
            paper="a4",
        )
    assert pages >= 1 + len(letters), pages
    return time.perf_counter() - start


def tree_rss_kb(root_pid: int) -> int:
    """Resident memory of root_pid and all its descendants, now."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat_file:
                fields = stat_file.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm", encoding="utf-8") as statm_file:
                rss[int(entry)] = int(statm_file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


class PeakSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))


def measure(scenario: str, size: str) -> dict:
    """Runs in its own process."""
    offices_count, signers_count, sample = SIZES[size]
    way, body = scenario.rsplit("/", 1)
    letters = letters_build(
        offices_count=offices_count, signers_count=signers_count, body=NAMED_BODY if body == "named" else BODY
    )
    run = {"per_letter": run_per_letter, "single_doc": run_single_doc, "batch": run_batch}[way]
    sampler = PeakSampler()
    sampler.start()
    seconds = run(letters, sample)
    sampler.stopped.set()
    sampler.join()
    return {"seconds": seconds, "peak_rss_mb": sampler.peak_kb / 1024, "letters": len(letters)}


SCENARIOS = ("per_letter/sample", "single_doc/sample", "batch/sample", "per_letter/named", "batch/named")


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--scenario":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    size = "quick" if "--quick" in sys.argv else "full"
    results: dict[str, list[dict]] = {scenario: [] for scenario in SCENARIOS}
    for _repeat in range(REPEATS):
        for scenario in SCENARIOS:
            output = subprocess.run(
                [sys.executable, __file__, "--scenario", scenario, size],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            results[scenario].append(json.loads(output.strip().splitlines()[-1]))
    letters = results["batch/sample"][0]["letters"]
    print(f"{letters} letters, {REPEATS} interleaved runs each; seconds min / median / max, peak RSS of all processes")
    median = {}
    for scenario, runs in results.items():
        seconds = sorted(run["seconds"] for run in runs)
        median[scenario] = statistics.median(seconds)
        peak = max(run["peak_rss_mb"] for run in runs)
        print(
            f"{scenario:>18}: {seconds[0]:7.2f} {median[scenario]:7.2f} {seconds[-1]:7.2f} s "
            f"({1000 * median[scenario] / letters:6.1f} ms/letter), peak RSS {peak:5.0f} MB"
        )
    peak_batch = max(run["peak_rss_mb"] for name in ("batch/sample", "batch/named") for run in results[name])
    print(
        f"speedup_vs_per_letter={median['per_letter/sample'] / median['batch/sample']:.1f} "
        f"speedup_vs_single_doc={median['single_doc/sample'] / median['batch/sample']:.2f} "
        f"speedup_named_body={median['per_letter/named'] / median['batch/named']:.1f} "
        f"peak_rss_mb={peak_batch:.0f}"
    )


if __name__ == "__main__":
    main()
