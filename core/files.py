"""Serving uploaded files only through views that have checked permission.

Uploads have no public URL. A view loads the object through an owner-scoped selector (so another
owner gets 404) and returns :func:`protected_file_response`.
"""
import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404

from core.uploads import CONTENT_TYPES


def protected_file_response(fieldfile, *, download_name: str | None = None) -> FileResponse:
    if not fieldfile:
        raise Http404
    extension = PurePath(fieldfile.name).suffix.lstrip(".").lower()
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(fieldfile.name)[0]
    if content_type is None:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Documents are downloaded; images are shown inline. Either way the browser never runs them.
    as_attachment = not content_type.startswith("image/")
    name = download_name or PurePath(fieldfile.name).name
    if not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
