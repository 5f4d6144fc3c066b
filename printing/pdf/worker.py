"""A render worker process: `python -m printing.pdf.worker JOB.json`.

A subprocess rather than multiprocessing, because Celery's prefork workers are daemonic and may not
fork multiprocessing children. The job names the static roots and the chunks (JSON file with the chunk's HTML
document or list of documents + stylesheet →
PDF file, plus PDF.json with each page's letter and signature slot). The parent hands out chunk indexes
one line at a time on stdin, so a worker that finishes early takes the next chunk; after each chunk the
worker prints "done <index> <pages>".
Imports no Django: the parent has already turned letters into HTML.
"""

import json
import sys

from .engine import PdfEngine


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as job_file:
        job = json.load(job_file)
    chunks = {index: (html_path, stylesheet, pdf_path) for index, html_path, stylesheet, pdf_path in job["chunks"]}
    engines: dict[str, PdfEngine] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        index = int(line)
        html_path, stylesheet, pdf_path = chunks[index]
        if stylesheet not in engines:
            engines[stylesheet] = PdfEngine(stylesheet=stylesheet, static_roots=job["static_roots"])
        with open(html_path, encoding="utf-8") as html_file:
            html = json.load(html_file)
        layout = engines[stylesheet].write_with_layout(html=html, target=pdf_path, tagged=job["tagged"])
        with open(pdf_path + ".json", "w", encoding="utf-8") as layout_file:
            json.dump(layout, layout_file)
        print(f"done {index} {len(layout)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
