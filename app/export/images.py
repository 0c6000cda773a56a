"""Attached images placed in the PDF from their cached print renditions.

JPEG renditions are embedded as they are (reportlab copies the DCT stream
without decoding it); PNG renditions are decoded once, when drawn. An image
with no usable rendition gets a clear placeholder instead.
"""

from __future__ import annotations

import io
import logging
from xml.sax.saxutils import escape

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.platypus import Flowable, Table

from app.export.paragraphs import Para
from app.export.styles import MUTED_SMALL, NOTICE_BACK, NOTICE_EDGE, SMALL, table_style
from app.services.views import AttachmentView, Rendition

log = logging.getLogger(__name__)

NOMINAL_DPI = 96  # a rendition's pixels are placed as screen pixels, up to the frame width
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class _JpegStream:
    """Hands reportlab the JPEG bytes to embed as they are (its ``jpeg_fh`` protocol)."""

    def __init__(self, sha256: str, data: bytes) -> None:
        self._sha256 = sha256
        self._data = data

    def jpeg_fh(self) -> io.BytesIO:
        return io.BytesIO(self._data)

    def __str__(self) -> str:  # reportlab names (and reuses) the image by this
        return f"rendition-{self._sha256}"


def usable(rendition: Rendition | None) -> bool:
    """Whether a rendition looks placeable, judged from its header alone."""
    if rendition is None or rendition.width <= 0 or rendition.height <= 0:
        return False
    if rendition.media_type == "image/jpeg":
        try:
            readJPEGInfo(io.BytesIO(rendition.data))
        except Exception:
            return False
        return True
    return rendition.media_type == "image/png" and rendition.data.startswith(_PNG_SIGNATURE)


class PlacedImage(Flowable):
    """A rendition scaled to fit the frame, keeping its aspect ratio."""

    def __init__(self, rendition: Rendition, sha256: str, name: str, max_height: float) -> None:
        super().__init__()
        self.rendition = rendition
        self.sha256 = sha256
        self.name = name
        self.max_height = max_height
        self.hAlign = "CENTER"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        r = self.rendition
        width = min(availWidth, r.width * 72 / NOMINAL_DPI)
        height = width * r.height / r.width
        if height > self.max_height:
            width, height = width * self.max_height / height, self.max_height
        self.width, self.height = width, height
        return width, height

    def draw(self) -> None:
        r = self.rendition
        try:
            if r.media_type == "image/jpeg":
                source: object = _JpegStream(self.sha256, r.data)
                self.canv.drawImage(source, 0, 0, self.width, self.height)
            else:
                reader = ImageReader(io.BytesIO(r.data))
                self.canv.drawImage(reader, 0, 0, self.width, self.height, mask="auto")
        except Exception:
            log.warning("could not place the rendition of %s", self.sha256, exc_info=True)
            self._draw_failure()

    def _draw_failure(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(NOTICE_EDGE)
        canvas.setDash(3, 2)
        canvas.rect(0, 0, self.width, self.height)
        canvas.setFont("DejaVuSans", 9)
        canvas.drawCentredString(self.width / 2, self.height / 2, "Image could not be shown")
        canvas.restoreState()


def image_flowables(
    attachment: AttachmentView, rendition: Rendition | None, max_height: float
) -> list[Flowable]:
    """The image and its caption (keep them together), or a placeholder."""
    name = escape(attachment.name)
    if rendition is None or not usable(rendition):
        return [image_placeholder(attachment)]
    caption = Para(f"Figure: {name}", MUTED_SMALL)
    return [PlacedImage(rendition, attachment.sha256, attachment.name, max_height), caption]


def image_placeholder(attachment: AttachmentView) -> Flowable:
    text = (
        f"<b>Image could not be shown:</b> {escape(attachment.name)}. "
        "The file is not a picture this app can read, or it is damaged; "
        "the original is kept unchanged in the portfolio and listed below."
    )
    box = Table([[Para(text, SMALL)]], colWidths=["100%"])
    box.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, NOTICE_EDGE, None, (3, 2)),
                ("BACKGROUND", (0, 0), (-1, -1), NOTICE_BACK),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    box.spaceBefore, box.spaceAfter = 4, 8
    return box
