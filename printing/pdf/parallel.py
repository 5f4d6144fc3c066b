"""Render HTML chunks in worker processes (printing.pdf.worker), each chunk to its own PDF.

No process ever lays out more than one chunk at a time, which keeps memory flat; WeasyPrint also
slows down more than linearly with the page count of one document, so chunks are faster too.
"""

import json
import os
import selectors
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ChunkRenderError(RuntimeError):
    pass


@dataclass(frozen=True)
class RenderedChunk:
    pdf_path: str
    # per page: {"letter": data-letter of its first letter, "slot": [x, y, w, h] or None, "recipient": [x, y] or None}
    layout: list[dict]


def chunks_render(
    *,
    chunks: Iterable[tuple[str | list[str], str]],
    folder: Path,
    static_roots: list[str],
    workers: int,
    name: str = "chunk",
    on_chunk_done: Callable[[int, int], None] | None = None,
    tagged: bool = False,
) -> list[RenderedChunk]:
    """Render each chunk (an HTML document or a list of them laid out apart, stylesheet path) into folder.
    on_chunk_done(index, pages) runs in the calling thread as chunks finish."""
    chunk_files: list[tuple[int, str, str, str]] = []
    for index, (html, stylesheet) in enumerate(chunks):
        html_path = folder / f"{name}-{index:05d}.json"
        html_path.write_text(json.dumps(html), encoding="utf-8")
        chunk_files.append((index, str(html_path), str(stylesheet), str(folder / f"{name}-{index:05d}.pdf")))
    if not chunk_files:
        return []
    workers = max(1, min(workers, len(chunk_files)))
    processes, error_logs = [], []
    try:
        for worker_index in range(workers):
            job_path = folder / f"{name}-job-{worker_index}.json"
            job = {"static_roots": [str(root) for root in static_roots], "chunks": chunk_files, "tagged": tagged}
            job_path.write_text(json.dumps(job), encoding="utf-8")
            # stderr goes to a file: a pipe nobody reads could fill up and block the worker.
            error_logs.append(open(folder / f"{name}-worker-{worker_index}.err", "w+", encoding="utf-8"))  # noqa: SIM115
            processes.append(
                subprocess.Popen(  # noqa: S603  (our own interpreter and module; the job file is ours)
                    [sys.executable, "-m", "printing.pdf.worker", str(job_path)],
                    cwd=PROJECT_ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=error_logs[-1],
                    text=True,
                    env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                )
            )
        pages_by_chunk = _chunks_hand_out(
            processes=processes,
            error_logs=error_logs,
            pending=[index for index, *_rest in chunk_files],
            on_chunk_done=on_chunk_done,
        )
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in error_logs:
            log.close()
    if len(pages_by_chunk) != len(chunk_files):
        raise ChunkRenderError(f"{len(chunk_files) - len(pages_by_chunk)} chunk(s) failed to render")
    rendered = []
    for _index, _html_path, _stylesheet, pdf_path in chunk_files:
        with open(pdf_path + ".json", encoding="utf-8") as layout_file:
            rendered.append(RenderedChunk(pdf_path=pdf_path, layout=json.load(layout_file)))
    return rendered


def _chunks_hand_out(
    *,
    processes: list[subprocess.Popen[str]],
    error_logs: list[TextIO],
    pending: list[int],
    on_chunk_done: Callable[[int, int], None] | None,
) -> dict[int, int]:
    """Give each worker the next chunk whenever it is ready; collect page counts as chunks finish."""
    pages_by_chunk: dict[int, int] = {}
    pending = list(reversed(pending))
    selector = selectors.DefaultSelector()
    for process in processes:
        selector.register(process.stdout, selectors.EVENT_READ, process)
    open_streams = len(processes)
    while open_streams:
        for key, _mask in selector.select():
            process, line = key.data, key.fileobj.readline()
            if not line:
                selector.unregister(key.fileobj)
                open_streams -= 1
                continue
            if line.startswith("done"):
                _done, index, pages = line.split()
                pages_by_chunk[int(index)] = int(pages)
                if on_chunk_done is not None:
                    on_chunk_done(int(index), int(pages))
            if pending:
                process.stdin.write(f"{pending.pop()}\n")
                process.stdin.flush()
            elif not process.stdin.closed:
                process.stdin.close()
    errors: list[str] = []
    for process, log in zip(processes, error_logs, strict=True):
        if process.wait() != 0:
            log.seek(0)
            lines = log.read().strip().splitlines()
            errors.append(lines[-1] if lines else f"exit {process.returncode}")
        process.stdout.close()
    if errors:
        raise ChunkRenderError("; ".join(errors))
    return pages_by_chunk
