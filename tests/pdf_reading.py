"""Reading exported PDFs back in tests, as a reader (or an assessor) would see them."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text with runs of whitespace collapsed to one space."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def all_text(path: Path) -> str:
    return " ".join(page_texts(PdfReader(path)))


def outline_titles(reader: PdfReader) -> list[object]:
    """The outline as nested lists of titles."""

    def walk(entries: list[object]) -> list[object]:
        out: list[object] = []
        for entry in entries:
            if isinstance(entry, list):
                out.append(walk(entry))
            else:
                assert isinstance(entry, Destination)
                out.append(entry.title)
        return out

    return walk(list(reader.outline))


def outline_pages(reader: PdfReader) -> dict[str, int]:
    """Outline title → 0-based page index it opens."""
    pages: dict[str, int] = {}

    def walk(entries: list[object]) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                assert isinstance(entry, Destination)
                pages[str(entry.title)] = reader.get_destination_page_number(entry)

    walk(list(reader.outline))
    return pages


def internal_links(reader: PdfReader, page_index: int) -> list[tuple[list[float], int]]:
    """(rectangle, target page index) of each internal link on a page."""
    page = reader.pages[page_index]
    page_numbers = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages)}
    links = []
    for annot in page.get("/Annots", []) or []:
        annot = annot.get_object()
        dest = annot.get("/Dest")
        if annot.get("/Subtype") != "/Link" or dest is None:
            continue
        links.append(([float(v) for v in annot["/Rect"]], page_numbers[dest[0].idnum]))
    return links


def text_in_rect(reader: PdfReader, page_index: int, rect: list[float]) -> str:
    """The text drawn inside ``rect`` on a page."""
    x0, y0, x1, y1 = rect
    found: list[str] = []

    def visitor(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if x0 - 1 <= x <= x1 + 1 and y0 - 2 <= y <= y1 + 2:
            found.append(text)

    reader.pages[page_index].extract_text(visitor_text=visitor)
    return "".join(found).strip()


def fonts_used(reader: PdfReader) -> dict[str, bool]:
    """Base font name → whether its TrueType program is embedded (FontFile2)."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources", {})
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descendants = font.get("/DescendantFonts")
            if descriptor is None and descendants:
                descriptor = descendants[0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts[str(font["/BaseFont"])] = embedded
    return fonts
