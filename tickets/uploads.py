"""Checking uploaded files by their content, not their name (docs/threat-model.md)."""

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_TYPES = ("image/jpeg", "image/png", "application/pdf")


def checked_upload(upload: UploadedFile, *, field: str) -> str:
    """The upload's real content type (JPEG, PNG or PDF, at most 5 MB), or a field error.

    The type is read from the bytes; images must also decode, so a renamed or truncated
    file is refused whatever its extension says. An image of more pixels than Pillow's
    ``MAX_IMAGE_PIXELS`` (a "decompression bomb": a few kilobytes that unpack to gigabytes) is
    refused from its header, before anything is decoded.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("The file is larger than 5 MB.")})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES:
        raise ValidationError({field: _("Upload a photo (JPEG or PNG) or a PDF.")})
    if content_type == "application/pdf":
        if not head.startswith(b"%PDF-"):
            raise ValidationError({field: _("This PDF file is damaged.")})
    else:
        try:
            with Image.open(upload) as image:
                if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.verify()
        except Image.DecompressionBombError as exc:
            raise ValidationError({field: _("This image has too many pixels: send a smaller photo.")}) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError({field: _("This image file is damaged.")}) from exc
        finally:
            upload.seek(0)
    return content_type
