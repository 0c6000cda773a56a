"""Print renditions of attached images: size, orientation, format, and that they are
made the same way whether one at a time or many at once on worker threads."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from app.services.renditions import (
    MAX_EDGE_PX,
    MIN_EDGE_PX,
    RenditionQueue,
    make_rendition,
    make_renditions,
)

PLACED_WIDTH_INCHES = 6.5  # the text width of A4 and Letter, where a photo is placed


def photo(width: int, height: int, exif_orientation: int | None = None) -> bytes:
    """A noisy JPEG, like a phone photo (noise defeats the encoder as real detail does)."""
    noise = Image.effect_noise((width, height), 40)
    image = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((width, height)), noise))
    out = io.BytesIO()
    exif = Image.Exif()
    if exif_orientation is not None:
        exif[0x0112] = exif_orientation
    image.save(out, "JPEG", quality=88, exif=exif.tobytes())
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("width", [2000, 2600, 2900, 4032])
def test_a_phone_photo_becomes_a_jpeg_of_150_to_200_dpi_across_the_page(width: int) -> None:
    height = width * 3 // 4
    rendition = make_rendition(photo(width, height))

    assert rendition is not None
    assert rendition.media_type == "image/jpeg"
    assert MIN_EDGE_PX <= rendition.width <= MAX_EDGE_PX
    assert 150 <= rendition.width / PLACED_WIDTH_INCHES <= 200
    assert abs(rendition.width / rendition.height - 4 / 3) < 0.01
    image = decoded(rendition.data)
    assert image.format == "JPEG" and image.size == (rendition.width, rendition.height)


def test_a_photo_smaller_than_print_size_is_not_enlarged() -> None:
    rendition = make_rendition(photo(640, 480))

    assert rendition is not None
    assert (rendition.width, rendition.height) == (640, 480)


def test_a_photo_taken_sideways_is_turned_upright() -> None:
    rendition = make_rendition(photo(2400, 1800, exif_orientation=6))  # rotate 90° to view

    assert rendition is not None
    assert rendition.height > rendition.width
    assert MIN_EDGE_PX <= rendition.height <= MAX_EDGE_PX


def test_the_rendition_looks_like_the_photo() -> None:
    """Cheaper resampling and encoding must not visibly change the picture."""
    original = Image.linear_gradient("L").resize((2800, 2100)).convert("RGB")
    buffer = io.BytesIO()
    original.save(buffer, "JPEG", quality=90)
    rendition = make_rendition(buffer.getvalue())

    assert rendition is not None
    image = decoded(rendition.data).convert("L")
    expected = original.convert("L").resize(image.size, Image.Resampling.LANCZOS)
    mean_difference = ImageStat.Stat(ImageChops.difference(image, expected)).mean[0]
    assert mean_difference < 2  # of 255


def test_a_screenshot_stays_a_sharp_png() -> None:
    screenshot = Image.new("RGB", (2560, 1440), "white")
    buffer = io.BytesIO()
    screenshot.save(buffer, "PNG")
    rendition = make_rendition(buffer.getvalue())

    assert rendition is not None
    assert rendition.media_type == "image/png"
    assert max(rendition.width, rendition.height) == MAX_EDGE_PX


@pytest.mark.parametrize("data", [b"", b"not an image", photo(800, 600)[:5000]])
def test_what_is_not_a_readable_image_has_no_rendition(data: bytes) -> None:
    assert make_rendition(data) is None


def test_many_at_once_on_threads_give_the_same_bytes_as_one_at_a_time() -> None:
    originals = {f"sha{n}": photo(1800 + 200 * n, 1350 + 150 * n) for n in range(5)}
    originals["broken"] = b"\xff\xd8 not really a jpeg"

    made = make_renditions(
        [(digest, (lambda data=data: data)) for digest, data in originals.items()], workers=3
    )

    assert list(made) == list(originals)
    for digest, data in originals.items():
        assert made[digest].result() == make_rendition(data)
    assert made["broken"].result() is None


def test_a_queue_stores_every_rendition_in_order_with_few_waiting_at_once() -> None:
    photos = {f"p{n}": photo(900 + 40 * n, 700) for n in range(6)}
    photos["broken"] = b"\xff\xd8 not really a jpeg"
    stored: list[str] = []
    made = {}

    def store(digest: str, rendition: object) -> None:
        stored.append(digest)
        made[digest] = rendition
        assert len(queue._pending) <= 2  # never more than ``ahead`` photos held

    queue = RenditionQueue(store, ahead=2)
    for digest, data in photos.items():
        queue.add(digest, data)
    queue.finish()
    assert stored == [f"p{n}" for n in range(6)]  # the broken one has none
    assert all(made[d] == make_rendition(photos[d]) for d in stored)


def test_a_cancelled_queue_stores_nothing_more() -> None:
    stored: list[str] = []
    queue = RenditionQueue(lambda digest, _r: stored.append(digest), ahead=4)
    for n in range(3):
        queue.add(f"p{n}", photo(800, 600))
    queue.cancel()
    assert stored == []
