"""tickets/uploads.py: an upload is judged by its bytes, never by its name or declared type, and
an image's size is read from its header before anything is decoded (docs/architecture.md#quality-bars)."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.uploads import MAX_UPLOAD_BYTES, checked_upload

WRONG_TYPE = "Upload a photo (JPEG or PNG) or a PDF."
TOO_BIG = "The file is larger than 5 MB."
TOO_MANY_PIXELS = "This image has too many pixels: send a smaller photo."
DAMAGED_IMAGE = "This image file is damaged."


def _image(fmt: str, size=(20, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A valid PNG of a few dozen bytes whose header declares ``width`` × ``height`` one-bit
    pixels: what a decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def _pdf(size: int) -> bytes:
    start = b"%PDF-1.4\n"
    return start + b"0" * (size - len(start))


def _check(name: str, content: bytes, declared: str = "image/png") -> str:
    return checked_upload(SimpleUploadedFile(name, content, content_type=declared), field="proof")


def _error(name: str, content: bytes, declared: str = "image/png") -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _check(name, content, declared)
    return caught.value.message_dict["proof"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("photo.jpg", _image("JPEG"), "image/jpeg"),
        ("photo.png", _image("PNG"), "image/png"),
        ("invoice.pdf", _pdf(200), "application/pdf"),
        # The name says PDF, the bytes say PNG: the bytes decide, and the file is stored as a PNG.
        ("invoice.pdf", _image("PNG"), "image/png"),
        ("photo", _image("JPEG"), "image/jpeg"),
        ("invoice.pdf", _pdf(MAX_UPLOAD_BYTES), "application/pdf"),  # exactly 5 MB is allowed
        ("scan.png", _png_declaring(9000, 9000), "image/png"),  # 81 megapixels: under Pillow's limit
    ],
)
def test_accepted_uploads_and_the_type_they_are_stored_as(name, content, expected):
    assert _check(name, content) == expected


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        ("photo.jpg", b"GIF89a" + _image("GIF")[6:], "image/jpeg"),
        ("invoice.pdf", b"PK\x03\x04 a zip archive, maybe a docx", "application/pdf"),
        ("invoice.pdf", b"MZ\x90\x00 a windows program", "application/pdf"),
        ("photo.webp", _image("WEBP"), "image/webp"),
        ("empty.jpg", b"", "image/jpeg"),
    ],
)
def test_a_disguised_or_unsupported_type_is_refused_whatever_its_name(name, content, declared):
    assert _error(name, content, declared) == [WRONG_TYPE]


def test_one_byte_over_5_mb_is_refused_before_it_is_read():
    assert _error("big.pdf", _pdf(MAX_UPLOAD_BYTES + 1), "application/pdf") == [TOO_BIG]


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (10_000, 10_000),  # 100 megapixels: over Pillow's MAX_IMAGE_PIXELS, where it only warns
        (30_000, 30_000),  # 900 megapixels: Pillow refuses it outright (DecompressionBombError)
        (1, Image.MAX_IMAGE_PIXELS + 1),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_bomb_is_a_field_error_not_a_crash(width, height):
    content = _png_declaring(width, height)
    assert len(content) < 100
    assert _error("bomb.png", content) == [TOO_MANY_PIXELS]


def test_a_truncated_image_is_damaged():
    content = _image("PNG")
    assert _error("cut.png", content[: len(content) // 2]) == [DAMAGED_IMAGE]


@pytest.mark.django_db
def test_the_portal_answers_an_image_bomb_with_a_field_error_and_saves_nothing(client):
    from django.urls import reverse

    from customers.models import Customer
    from tickets.models import Attachment, Ticket

    response = client.post(
        reverse("portal:submit"),
        {
            "kind": "repair",
            "description": "The drum does not turn.",
            "name": "Zhou Min",
            "phone": "139 8888 7777",
            "address": "1 Haier Road",
            "region": "Qingdao",
            "website": "",
            "proof": SimpleUploadedFile("invoice.png", _png_declaring(30_000, 30_000), content_type="image/png"),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["proof"] == [TOO_MANY_PIXELS]
    assert (Ticket.objects.count(), Attachment.objects.count(), Customer.objects.count()) == (0, 0, 0)
