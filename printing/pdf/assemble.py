"""Put a batch PDF together from rendered parts, without laying anything out again.

Letters that differ from others only by their signature or recipient are rendered once with empty slots;
each signer's name and each office's address is rendered on a small page of its own, and that page is drawn
into the slot of the shared letter page as a form XObject. Pages shared this way also share their content
streams and fonts in the file, and an address drawn on many letters is one XObject.
"""

from dataclasses import dataclass
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

OVERLAY_NAME = "/Overlay"
PT_PER_PX = 0.75  # 72 PDF points per inch, 96 CSS px per inch


@dataclass(frozen=True)
class Overlay:
    """Draw page `index` of the PDF at `path` with its top-left corner at slot (x, y in CSS px)."""

    slot: tuple[float, float]
    path: str
    index: int


class PdfAssembler:
    def __init__(self):
        self.writer = PdfWriter()
        self._readers: dict[str, PdfReader] = {}
        # The letter page's own drawing is wrapped in q … Q so the overlay starts from a clean state.
        self._save_state = self.writer._add_object(_stream(b"q\n"))
        self._restore_and_overlays: dict[int, object] = {}
        self._forms: dict[tuple, object] = {}

    def page(self, path: str, index: int) -> PageObject:
        reader = self._readers.get(path)
        if reader is None:
            reader = self._readers[path] = PdfReader(path)
        return reader.pages[index]

    def page_add(self, path: str, index: int) -> None:
        self.writer.add_page(self.page(path, index))

    def page_add_with_overlays(self, path: str, index: int, *, overlays: list[Overlay]) -> None:
        """Add the page with each overlay page drawn at its slot."""
        page = self.writer.add_page(self.page(path, index))
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        for number, overlay in enumerate(overlays):
            xobjects[NameObject(f"{OVERLAY_NAME}{number}")] = self._form(overlay, page_top=float(page.mediabox.top))
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page["/Contents"].get_object()
        letter_streams = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([self._save_state, *letter_streams, self._draw(len(overlays))])

    def _draw(self, count: int) -> object:
        if count not in self._restore_and_overlays:
            drawing = "".join(f"q {OVERLAY_NAME}{number} Do Q\n" for number in range(count))
            self._restore_and_overlays[count] = self.writer._add_object(_stream(f"Q\n{drawing}".encode()))
        return self._restore_and_overlays[count]

    def _form(self, overlay: Overlay, *, page_top: float) -> object:
        key = (overlay.path, overlay.index, overlay.slot, page_top)
        if key in self._forms:
            return self._forms[key]
        source = self.page(overlay.path, overlay.index)
        move_x = overlay.slot[0] * PT_PER_PX - float(source.mediabox.left)
        move_y = page_top - overlay.slot[1] * PT_PER_PX - float(source.mediabox.top)
        form = _stream(_content_bytes(source))
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(source.mediabox),
                NameObject("/Matrix"): ArrayObject(
                    [FloatObject(1), FloatObject(0), FloatObject(0), FloatObject(1)]
                    + [FloatObject(move_x), FloatObject(move_y)]
                ),
                NameObject("/Resources"): source["/Resources"].get_object().clone(self.writer),
            }
        )
        self._forms[key] = self.writer._add_object(form)
        return self._forms[key]

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
