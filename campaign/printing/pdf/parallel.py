"""Render many HTML chunks in worker processes, then merge the chunk PDFs into one file.

Memory stays flat because no process ever lays out more than one chunk at a time, and the merge
copies pages from chunk files that are read lazily.
"""

import json
import os
import selectors
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class ChunkRenderError(RuntimeError):
    pass


def chunks_render_merged(
    *,
    chunks: Iterable[str],
    target: str | Path,
    stylesheet: str | Path,
    static_roots: list[str],
    workers: int,
    title: str,
    language: str,
    on_chunk_done: Callable[[int, int], None] | None = None,
    tagged: bool = False,
) -> int:
    """Render each HTML chunk in order into target (one PDF). on_chunk_done(index, pages) runs in the
    calling thread as chunks finish. Returns the total page count."""
    with tempfile.TemporaryDirectory(prefix="print-chunks-") as folder:
        work = Path(folder)
        chunk_files: list[tuple[int, str, str]] = []
        for index, html in enumerate(chunks):
            html_path = work / f"chunk-{index:05d}.html"
            html_path.write_text(html, encoding="utf-8")
            chunk_files.append((index, str(html_path), str(work / f"chunk-{index:05d}.pdf")))
        workers = max(1, min(workers, len(chunk_files)))
        processes = []
        error_logs = []
        for worker_index in range(workers):
            job_path = work / f"job-{worker_index}.json"
            job = {
                "stylesheet": str(stylesheet),
                "static_roots": [str(root) for root in static_roots],
                "chunks": chunk_files[worker_index::workers],
                "tagged": tagged,
            }
            job_path.write_text(json.dumps(job), encoding="utf-8")
            # stderr goes to a file: a pipe nobody reads could fill up and block the worker.
            error_logs.append(open(work / f"worker-{worker_index}.err", "w+", encoding="utf-8"))  # noqa: SIM115
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "campaign.printing.pdf.worker", str(job_path)],
                    cwd=PROJECT_ROOT,
                    stdout=subprocess.PIPE,
                    stderr=error_logs[-1],
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                )
            )
        try:
            pages_by_chunk = _progress_follow(processes=processes, error_logs=error_logs, on_chunk_done=on_chunk_done)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
            for log in error_logs:
                log.close()
        if len(pages_by_chunk) != len(chunk_files):
            raise ChunkRenderError(f"{len(chunk_files) - len(pages_by_chunk)} chunk(s) failed to render")
        _merge(
            paths=[pdf_path for _index, _html, pdf_path in chunk_files],
            target=target,
            title=title,
            language=language,
        )
        return sum(pages_by_chunk.values())


def _progress_follow(*, processes, error_logs, on_chunk_done) -> dict[int, int]:
    pages_by_chunk: dict[int, int] = {}
    errors: list[str] = []
    selector = selectors.DefaultSelector()
    for process in processes:
        selector.register(process.stdout, selectors.EVENT_READ, process)
    open_streams = len(processes)
    while open_streams:
        for key, _mask in selector.select():
            line = key.fileobj.readline()
            if not line:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            _done, index, pages = line.split()
            pages_by_chunk[int(index)] = int(pages)
            if on_chunk_done is not None:
                on_chunk_done(int(index), int(pages))
    for process, log in zip(processes, error_logs, strict=True):
        if process.wait() != 0:
            log.seek(0)
            lines = log.read().strip().splitlines()
            errors.append(lines[-1] if lines else f"exit {process.returncode}")
        process.stdout.close()
    if errors:
        raise ChunkRenderError("; ".join(errors))
    return pages_by_chunk


def _merge(*, paths: list[str], target: str | Path, title: str, language: str) -> None:
    writer = PdfWriter()
    for path in paths:
        writer.append(path)
    writer.add_metadata({"/Title": title})
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    with open(target, "wb") as output:
        writer.write(output)
