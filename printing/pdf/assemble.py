"""Put a batch PDF together from rendered parts, without laying anything out again.

A letter that differs from others only by its signature is rendered once with an empty signature slot;
each signer's name is rendered on a small page of its own, and that page is drawn into the slot of the
shared letter page as a form XObject. Pages shared this way also share their content streams and fonts in
the file.
"""

from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

OVERLAY_NAME = "/SignatureOverlay"
PT_PER_PX = 0.75  # 72 PDF points per inch, 96 CSS px per inch


class PdfAssembler:
    def __init__(self):
        self.writer = PdfWriter()
        self._readers: dict[str, PdfReader] = {}
        # The letter page's own drawing is wrapped in q … Q so the overlay starts from a clean state.
        self._save_state = self.writer._add_object(_stream(b"q\n"))
        self._restore_and_overlay = self.writer._add_object(_stream(f"Q\nq {OVERLAY_NAME} Do Q\n".encode()))

    def page(self, path: str, index: int) -> PageObject:
        reader = self._readers.get(path)
        if reader is None:
            reader = self._readers[path] = PdfReader(path)
        return reader.pages[index]

    def page_add(self, path: str, index: int) -> None:
        self.writer.add_page(self.page(path, index))

    def page_add_with_overlay(
        self, path: str, index: int, *, slot: list[float], overlay_path: str, overlay_index: int
    ) -> None:
        """Add the page with the overlay page's top-left corner moved to slot (x, y in CSS px)."""
        page = self.writer.add_page(self.page(path, index))
        overlay = self.page(overlay_path, overlay_index)
        slot_x, slot_y = slot[0] * PT_PER_PX, slot[1] * PT_PER_PX
        move_x = slot_x - float(overlay.mediabox.left)
        move_y = float(page.mediabox.top) - slot_y - float(overlay.mediabox.top)
        form = _stream(_content_bytes(overlay))
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(overlay.mediabox),
                NameObject("/Matrix"): ArrayObject(
                    [
                        FloatObject(1),
                        FloatObject(0),
                        FloatObject(0),
                        FloatObject(1),
                        FloatObject(move_x),
                        FloatObject(move_y),
                    ]
                ),
                NameObject("/Resources"): overlay["/Resources"].get_object().clone(self.writer),
            }
        )
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject(OVERLAY_NAME)] = self.writer._add_object(form)
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page["/Contents"].get_object()
        letter_streams = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([self._save_state, *letter_streams, self._restore_and_overlay])

    def write(self, *, target: str | Path, title: str, language: str) -> int:
        self.writer.add_metadata({"/Title": title})
        self.writer._root_object[NameObject("/Lang")] = TextStringObject(language)
        with open(target, "wb") as output:
            self.writer.write(output)
        return len(self.writer.pages)


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _content_bytes(page: PageObject) -> bytes:
    contents = page["/Contents"].get_object()
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(stream.get_object().get_data() for stream in streams)
