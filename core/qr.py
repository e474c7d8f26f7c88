import qrcode
import qrcode.image.svg
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def qr_svg(data: str) -> str:
    """An inline SVG QR code, made locally (no external service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def stored_qr(path: str, data: str, *, make: bool) -> str | None:
    """The QR code SVG kept at ``path`` in the default storage; made and stored when ``make``."""
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as handle:
            return handle.read().decode()
    if not make:
        return None
    svg = qr_svg(data)
    default_storage.save(path, ContentFile(svg.encode()))
    return svg
