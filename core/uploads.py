"""Validation and re-encoding of every uploaded file.

Images are trusted only after Pillow has identified them as JPEG, PNG or WebP *and* fully decoded
them, within a byte limit and a pixel ceiling far below Pillow's default; they are then re-encoded
(EXIF and its GPS position dropped after applying the orientation) under a random name. PDFs must
parse with pypdf. SVG is always refused: it can carry scripts.
"""
from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
PDF_CONTENT_TYPE = "application/pdf"
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": PDF_CONTENT_TYPE}


@dataclass(frozen=True)
class CleanFile:
    """A validated, re-encoded upload ready to be stored."""

    content: ContentFile
    extension: str
    original_name: str = ""

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def _read_bounded(upload) -> bytes:
    limit = settings.RK_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The maximum is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large. The maximum is %(limit)s.") % {"limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty_file")
    return data


def _looks_like_svg(name: str, data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return name.lower().endswith((".svg", ".svgz")) or head.startswith(b"<?xml") or b"<svg" in head


def _decode_image(data: bytes) -> Image.Image:
    """Identify and fully decode the image, refusing anything that is not a sane JPEG/PNG/WebP."""
    not_an_image = ValidationError(
        _("The file is not a valid JPEG, PNG or WebP image."), code="invalid_image"
    )
    too_many_pixels = ValidationError(
        _("The image is too large: at most %(pixels)s megapixels are accepted.")
        % {"pixels": settings.RK_MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_many_pixels",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            if image.width * image.height > settings.RK_MAX_IMAGE_PIXELS:
                raise too_many_pixels
            image.load()  # full decode: truncated or corrupt data fails here
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_many_pixels from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    if getattr(image, "n_frames", 1) > 1:
        # Animated images are not packaging photos; keep the first frame only.
        image.seek(0)
    return image


def clean_image(upload) -> CleanFile:
    """Validate an uploaded image and return it re-encoded without metadata."""
    data = _read_bounded(upload)
    if _looks_like_svg(getattr(upload, "name", ""), data):
        raise ValidationError(_("SVG files are not accepted. Upload a JPEG, PNG or WebP image."), code="svg")
    return encode_image(_upright_and_bounded(_decode_image(data)))


def _upright_and_bounded(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    edge = settings.RK_IMAGE_MAX_EDGE
    if max(image.size) > edge:
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return image


def encode_image(image: Image.Image) -> CleanFile:
    """Re-encode: PNG for images with transparency, JPEG otherwise. No EXIF, ICC or text chunks."""
    out = io.BytesIO()
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image = image.convert("RGB")
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    return CleanFile(content=ContentFile(out.getvalue(), name=random_name(extension)), extension=extension)


def clean_pdf(data: bytes) -> CleanFile:
    invalid = ValidationError(_("The file is not a valid PDF document."), code="invalid_pdf")
    if not data.startswith(b"%PDF-"):
        raise invalid
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("Password-protected PDFs are not accepted."), code="encrypted_pdf")
        if len(reader.pages) < 1:
            raise invalid
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError):
        raise invalid from None
    return CleanFile(content=ContentFile(data, name=random_name("pdf")), extension="pdf")


def clean_image_or_pdf(upload) -> CleanFile:
    """Accept a PDF document or an image (scans, proofs, reference files)."""
    data = _read_bounded(upload)
    if data.startswith(b"%PDF-"):
        return clean_pdf(data)
    if _looks_like_svg(getattr(upload, "name", ""), data):
        raise ValidationError(_("SVG files are not accepted. Upload a PDF, JPEG, PNG or WebP file."), code="svg")
    try:
        image = _decode_image(data)
    except ValidationError as error:
        if error.code == "invalid_image":
            raise ValidationError(
                _("The file must be a PDF document or a JPEG, PNG or WebP image."), code="invalid_file"
            ) from None
        raise
    return encode_image(_upright_and_bounded(image))


def make_thumbnail(data: bytes, edge: int) -> ContentFile:
    image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return encode_image(image).content
