"""Checking a job photo: the uploads' own check (tickets/uploads.py), narrowed to photos."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tickets.uploads import checked_upload

PHOTO_TYPES = ("image/jpeg", "image/png")


def checked_photo(upload: UploadedFile, *, field: str) -> str:
    """The photo's real content type (JPEG or PNG, read from its bytes, at most 5 MB, decoding
    whole), or a field error: a PDF or a renamed file is no photo."""
    content_type = checked_upload(upload, field=field)
    if content_type not in PHOTO_TYPES:
        raise ValidationError({field: _("Upload a photo (JPEG or PNG).")})
    return content_type
