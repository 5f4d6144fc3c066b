"""A render worker process: `python -m campaign.printing.pdf.worker JOB.json`.

A subprocess rather than multiprocessing, because Celery's prefork workers are daemonic and may not
fork multiprocessing children. The job names the stylesheet, the static roots and the chunks
(HTML file → PDF file) this worker renders; after each chunk it prints "done <index> <pages>".
Imports no Django: the parent has already turned letters into HTML.
"""

import json
import sys

from .engine import PdfEngine


def main(job_path: str) -> int:
    with open(job_path, encoding="utf-8") as job_file:
        job = json.load(job_file)
    engine = PdfEngine(stylesheet=job["stylesheet"], static_roots=job["static_roots"])
    for index, html_path, pdf_path in job["chunks"]:
        with open(html_path, encoding="utf-8") as html_file:
            html = html_file.read()
        pages = engine.write(html=html, target=pdf_path, tagged=job["tagged"])
        print(f"done {index} {pages}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
