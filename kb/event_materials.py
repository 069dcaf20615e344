"""Which files coordinators may attach to an event, and how they are served.

Pure: a file name, a size and the first bytes in, a content type out (or a
ValidationError). The type comes from our table, never from the browser, and the
content must start as that type does, so a page renamed ``.pdf`` is refused.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

ZIP_MAGIC = (b"PK\x03\x04",)


@dataclass(frozen=True)
class AllowedType:
    content_type: str
    magic: tuple[bytes, ...]
    inline: bool  # shown in the browser; everything else is downloaded


ALLOWED_TYPES = {
    ".pdf": AllowedType("application/pdf", (b"%PDF-",), inline=True),
    ".png": AllowedType("image/png", (b"\x89PNG\r\n\x1a\n",), inline=True),
    ".jpg": AllowedType("image/jpeg", (b"\xff\xd8\xff",), inline=True),
    ".jpeg": AllowedType("image/jpeg", (b"\xff\xd8\xff",), inline=True),
    ".odp": AllowedType("application/vnd.oasis.opendocument.presentation", ZIP_MAGIC, False),
    ".pptx": AllowedType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP_MAGIC,
        False,
    ),
    ".zip": AllowedType("application/zip", ZIP_MAGIC, False),
    ".ipynb": AllowedType("application/x-ipynb+json", (b"{",), False),
}


def allowed_extensions():
    return sorted(ALLOWED_TYPES)


def check_material_file(*, name, size, head, max_bytes):
    """Return the AllowedType of an upload, or raise ValidationError saying what is wrong."""
    suffix = PurePath(name).suffix.lower()
    allowed = ALLOWED_TYPES.get(suffix)
    if allowed is None:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(extensions)s.")
            % {"extensions": ", ".join(allowed_extensions())},
            code="extension",
        )
    if size > max_bytes:
        shown_size, shown_max = filesizeformat(size), filesizeformat(max_bytes)
        if shown_size == shown_max:
            # Rounded, both read the same: say it in bytes so the difference shows.
            shown_size, shown_max = (
                _("%(count)s bytes") % {"count": number_format(n, force_grouping=True)}
                for n in (size, max_bytes)
            )
        raise ValidationError(
            _("This file is %(size)s; the largest allowed is %(max)s.")
            % {"size": shown_size, "max": shown_max},
            code="size",
        )
    if size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    if not any(head.lstrip().startswith(magic) for magic in allowed.magic):
        raise ValidationError(
            _("This file’s content is not a %(extension)s file.") % {"extension": suffix},
            code="content",
        )
    return allowed


def type_for_stored_name(name):
    """The serving type of a stored file; unknown names are served as plain downloads."""
    return ALLOWED_TYPES.get(
        PurePath(name).suffix.lower(), AllowedType("application/octet-stream", (), inline=False)
    )
