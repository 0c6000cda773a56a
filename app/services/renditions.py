"""Print renditions of attached images, made once when the image is attached.

The original bytes are always kept intact; the rendition is what the PDF
places: scaled to 150–200 dpi at the largest size it can be placed on a page
(the text width of A4/Letter, about 6.5 in) and re-encoded once, so an export
never re-decodes multi-megabyte photos. ``make_renditions`` makes many at once on
worker threads (Pillow decodes and encodes without holding the GIL).
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from PIL import Image, ImageOps, UnidentifiedImageError

from app.services.views import Rendition

MAX_EDGE_PX = 1300  # 6.5 in x 200 dpi
MIN_EDGE_PX = 1000  # a photo is never reduced below this (150 dpi across the page)
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
                # hand the decoder all the bytes at once: Pillow releases the GIL once
                # per block it decodes, and a worker thread waits for the GIL again
                # after every 64 kB block while the export lays out pages (4x slower)
                opened.decodermaxblock = max(len(data), 65536)
                # let the JPEG decoder downscale (1/2, 1/4, 1/8) as far as it can while
                # keeping at least MIN_EDGE_PX on the long edge: several times faster
                # than decoding every pixel of a phone photo and resampling them
                scale = min(1.0, MIN_EDGE_PX / max(opened.width, opened.height, 1))
                opened.draft("RGB", (int(opened.width * scale), int(opened.height * scale)))
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
    # after the draft a photo is at most about 1.5x too large, where bicubic looks the
    # same as Lanczos at a third less time; screenshots keep Lanczos for crisp text
    resample = Image.Resampling.LANCZOS if lossless else Image.Resampling.BICUBIC
    image.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX), resample)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if has_alpha or lossless:
        # screenshots and diagrams stay sharp as PNG; photos arrive as JPEG
        image.convert("RGBA" if has_alpha else "RGB").save(out, "PNG", optimize=True)
        media_type = "image/png"
    else:
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        # no optimize pass: it halves the encoder's speed to save a tenth of the bytes
        rgb.save(out, "JPEG", quality=85)
        media_type = "image/jpeg"
    return Rendition(
        media_type=media_type, width=image.width, height=image.height, data=out.getvalue()
    )


def make_renditions(
    sources: Iterable[tuple[str, Callable[[], bytes | None]]], workers: int | None = None
) -> dict[str, Future[Rendition | None]]:
    """Start making the rendition of each (sha256, read original) on worker threads.

    Returns at once; each future gives the rendition (or None for a file that is not
    a readable image). The pool shuts down by itself once every future is done.
    """
    pool = ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2))

    def make(read: Callable[[], bytes | None]) -> Rendition | None:
        data = read()
        return make_rendition(data) if data is not None else None

    futures: dict[str, Future[Rendition | None]] = {}
    try:
        for digest, read in sources:
            if digest not in futures:
                futures[digest] = pool.submit(make, read)
    finally:
        pool.shutdown(wait=False)
    return futures


class RenditionQueue:
    """Renditions made on worker threads while the caller goes on (importing a package).

    ``add`` hands over an image's bytes and returns at once; at most ``ahead``
    images wait or are in the making, so memory stays bounded however many there
    are. Each finished rendition is given to ``store`` on the caller's thread (in
    the order added), so ``store`` may use the caller's database session.
    """

    def __init__(self, store: Callable[[str, Rendition], None], ahead: int = 4) -> None:
        self._store = store
        self._ahead = ahead
        self._pool = ThreadPoolExecutor(max_workers=min(ahead, os.cpu_count() or 2))
        self._pending: list[tuple[str, Future[Rendition | None]]] = []

    def add(self, digest: str, data: bytes) -> None:
        self._pending.append((digest, self._pool.submit(make_rendition, data)))
        while len(self._pending) > self._ahead:
            self._store_oldest()

    def _store_oldest(self) -> None:
        digest, future = self._pending.pop(0)
        rendition = future.result()
        if rendition is not None:
            self._store(digest, rendition)

    def finish(self) -> None:
        """Wait for the rest and store them."""
        try:
            while self._pending:
                self._store_oldest()
        finally:
            self._pool.shutdown(wait=True)

    def cancel(self) -> None:
        """Drop whatever is not made yet (the caller is rolling back)."""
        for _digest, future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)
