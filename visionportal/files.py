"""Generated files (decision packs, later reports and uploads): kept in the default storage
(settings.STORAGES["default"]: MEDIA_ROOT on local disk, a volume in production), never
served by a public URL. A view checks who may have the file, then hands it out with
`protected_download`; there is no MEDIA_URL route.
"""

import mimetypes

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def store_file(*, name: str, content: bytes) -> str:
    """Save `content` under `name` (a relative path like "packs/12/pack-3.pdf") in the
    default storage; returns the name actually used (the storage may add a suffix rather
    than overwrite an existing file)."""
    return default_storage.save(name, ContentFile(content))


def protected_download(
    *, name: str, filename: str, content_type: str | None = None, inline: bool = False
) -> FileResponse:
    """A streamed response with the stored file `name`, offered as `filename`.

    Call only after the view's own access check: this helper checks nothing about the
    person. A file missing from the storage is a 404. The response is private and never
    cached by proxies, and browsers must not guess another content type."""
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def delete_file(name: str) -> None:
    if name:
        default_storage.delete(name)
