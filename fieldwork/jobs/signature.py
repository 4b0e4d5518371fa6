"""The customer's signature as the phone sends it: a PNG drawn on a canvas, as a data URL.

Only a PNG is taken, decoded from base64 and checked by its bytes and by Pillow, small enough to
store (at most 512 kB) and of a size a signature pad makes (static/js/signature.js draws it)."""

import base64
import binascii
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PREFIX = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 512 * 1024
MIN_SIDE, MAX_SIDE = 50, 4000


def signature_file(data_url: str, *, field: str) -> ContentFile:
    """The signature's PNG bytes, or a field error on ``field``."""
    data_url = (data_url or "").strip()
    if not data_url:
        raise ValidationError({field: _("Ask the customer to sign in the box.")})
    if not data_url.startswith(PREFIX) or len(data_url) > len(PREFIX) + (MAX_BYTES * 4) // 3 + 4:
        raise ValidationError({field: _("The signature could not be read: ask the customer to sign again.")})
    try:
        content = base64.b64decode(data_url[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({field: _("The signature could not be read: ask the customer to sign again.")}) from exc
    if not content.startswith(PNG_SIGNATURE) or len(content) > MAX_BYTES:
        raise ValidationError({field: _("The signature could not be read: ask the customer to sign again.")})
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if image.format != "PNG":
                raise UnidentifiedImageError("not a PNG")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({field: _("The signature could not be read: ask the customer to sign again.")}) from exc
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValidationError({field: _("The signature could not be read: ask the customer to sign again.")})
    if _blank(content):
        raise ValidationError({field: _("Ask the customer to sign in the box.")})
    return ContentFile(content)


def _blank(content: bytes) -> bool:
    """Nothing drawn: every pixel transparent, or (without transparency) every pixel white."""
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        if "A" in image.getbands():
            return image.getchannel("A").getbbox() is None
        return ImageOps.invert(image.convert("L")).getbbox() is None
