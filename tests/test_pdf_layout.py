"""How the PDF export goes about its work: items made as the layout reaches them, so
renditions still being made never hold up the pages before them."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from app.export.pdf import PdfOptions, build_pdf, placed_images
from app.services.blob_source import MemoryBlobSource
from app.services.views import Rendition
from tests.pdf_reading import outline_pages, page_texts
from tests.snapshot_factory import attachment, blob_source, jpeg_bytes, make_item, make_snapshot


def photo_items() -> tuple[list, dict[str, bytes]]:
    """Items listed out of date order; the second-earliest has no image, one is a draft."""
    blobs: dict[str, bytes] = {}

    def photo(width: int) -> object:
        view, data = attachment(jpeg_bytes(width, 300), f"photo{width}.jpg", "image/jpeg")
        blobs[view.sha256] = data
        return view

    shared = photo(400)
    items = [
        make_item(1, "Late", date="2026-05-01", attachments=(photo(401), shared)),
        make_item(2, "Early", date="2026-01-01", attachments=(photo(402),)),
        make_item(3, "Draft", date="2026-03-01", status="draft", attachments=(photo(403),)),
        make_item(4, "Second", date="2026-02-01"),
        make_item(5, "Also shared", date="2026-04-01", attachments=(shared,)),
    ]
    return items, blobs


def test_placed_images_lists_each_image_once_in_page_order() -> None:
    items, _ = photo_items()
    by_name = {a.sha256: a.name for item in items for a in item.attachments}
    snapshot = make_snapshot(items)

    names = [by_name[digest] for digest in placed_images(snapshot, PdfOptions(include_drafts=True))]
    assert names == ["photo402.jpg", "photo403.jpg", "photo400.jpg", "photo401.jpg"]

    without_drafts = placed_images(snapshot, PdfOptions(include_drafts=False))
    assert [by_name[digest] for digest in without_drafts] == [
        "photo402.jpg", "photo400.jpg", "photo401.jpg",
    ]  # fmt: skip


class RecordingBlobs(MemoryBlobSource):
    def __init__(self, inner: MemoryBlobSource, events: list[tuple[str, object]]) -> None:
        super().__init__({}, {})
        self.inner = inner
        self.events = events

    def read(self, sha256: str) -> bytes | None:
        return self.inner.read(sha256)

    def rendition(self, sha256: str) -> Rendition | None:
        self.events.append(("rendition", sha256))
        return self.inner.rendition(sha256)


def test_an_items_renditions_are_asked_for_when_the_layout_reaches_it(tmp_path: Path) -> None:
    items, blobs = photo_items()
    snapshot = make_snapshot(items)
    events: list[tuple[str, object]] = []
    blobs_seen = RecordingBlobs(blob_source(blobs), events)

    def progress(done: int, total: int) -> None:
        events.append(("item", done))

    build_pdf(snapshot, blobs_seen, tmp_path / "out.pdf", PdfOptions(include_drafts=True), progress)

    # pages in date order: Early (0), Second (1), Draft (2), Also shared (3), Late (4);
    # progress 0 is also reported before anything is laid out, so it is left out
    order = [(kind, value) for kind, value in events if kind == "rendition" or value != 0]
    asked = [n for n, (kind, _) in enumerate(order) if kind == "rendition"]
    laid_out = {value: n for n, (kind, value) in enumerate(order) if kind == "item"}
    early, draft, shared, late_own, late_shared = asked
    assert laid_out[1] < draft < laid_out[2]
    assert laid_out[2] < shared < laid_out[3]
    assert laid_out[3] < late_own < late_shared < laid_out[4]
    assert early < laid_out[1]


def test_items_made_during_layout_keep_their_contents_outline_and_order(tmp_path: Path) -> None:
    items, blobs = photo_items()
    out = tmp_path / "out.pdf"
    build_pdf(make_snapshot(items), blob_source(blobs), out, PdfOptions(include_drafts=True))

    reader = PdfReader(out)
    text = "\n".join(page_texts(reader))
    pages = outline_pages(reader)
    bookmarked = sorted((page, title) for title, page in pages.items() if title.startswith("E0"))
    assert [title for _, title in bookmarked] == [
        "E002 Early", "E004 Second", "E003 Draft", "E005 Also shared", "E001 Late",
    ]  # fmt: skip
    positions = [text.index(f"{ref} ·") for ref in ("E002", "E004", "E003", "E005", "E001")]
    assert positions == sorted(positions)
    for name in ("photo400.jpg", "photo401.jpg", "photo402.jpg", "photo403.jpg"):
        assert f"Figure: {name}" in text
