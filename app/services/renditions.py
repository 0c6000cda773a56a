"""Print renditions of attached images, made once when the image is attached.

The original bytes are always kept intact; the rendition is what the PDF
places: scaled to about 200 dpi at the largest size it can be placed on a page
(the text width of A4/Letter, about 6.5 in) and re-encoded once, so an export
never re-decodes multi-megabyte photos.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from app.services.views import Rendition

MAX_EDGE_PX = 1300  # 6.5 in x 200 dpi
MAX_SOURCE_PIXELS = 120_000_000  # refuse decompression bombs
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp", "image/tiff"}


def is_image(media_type: str) -> bool:
    return media_type in IMAGE_TYPES


def make_rendition(data: bytes) -> Rendition | None:
    """A print rendition of ``data``, or None when it is not a readable image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_SOURCE_PIXELS:
                    return None
                opened.draft("RGB", (MAX_EDGE_PX, MAX_EDGE_PX))  # cheap JPEG downscale
                lossless = opened.format != "JPEG"
                image = ImageOps.exif_transpose(opened)
                image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        EOFError,
    ):
        return None
    image.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX), Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if has_alpha or lossless:
        # screenshots and diagrams stay sharp as PNG; photos arrive as JPEG
        image.convert("RGBA" if has_alpha else "RGB").save(out, "PNG", optimize=True)
        media_type = "image/png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        media_type = "image/jpeg"
    return Rendition(
        media_type=media_type, width=image.width, height=image.height, data=out.getvalue()
    )
