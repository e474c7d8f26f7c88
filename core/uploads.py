"""Validation and re-encoding of every uploaded file.

Images are trusted only after Pillow has identified them as JPEG, PNG or WebP *and* fully decoded
them, within a byte limit and a pixel ceiling far below Pillow's default; they are then re-encoded
(EXIF and its GPS position dropped after applying the orientation) under a random name. PDFs must
parse with pypdf. SVG is always refused: it can carry scripts.

A hostile image must not tie up a web worker: the size is read from the header before anything is
decoded, JPEGs are decoded at reduced scale (``draft``) when they are larger than we keep, and one
request decodes at most ``RK_MAX_PIXELS_PER_REQUEST`` pixels in all. Re-encoded images carry no
metadata: no EXIF, comments or text chunks, and colours converted to sRGB with no profile kept.
PDFs with active content (JavaScript, an open action, launch actions, embedded files) are refused.
"""
from __future__ import annotations

import contextvars
import io
import re
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

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


# Pixels decoded in the current request (None outside requests: tasks have their own time limits).
_pixels_this_request: contextvars.ContextVar[int | None] = contextvars.ContextVar("rk_pixels_this_request", default=None)


def pixel_budget_start(**kwargs) -> None:
    _pixels_this_request.set(0)


def pixel_budget_end(**kwargs) -> None:
    _pixels_this_request.set(None)


request_started.connect(pixel_budget_start, dispatch_uid="rk-pixel-budget-start")
request_finished.connect(pixel_budget_end, dispatch_uid="rk-pixel-budget-end")


def _spend_pixels(pixels: int) -> None:
    used = _pixels_this_request.get()
    if used is None:
        return
    if used + pixels > settings.RK_MAX_PIXELS_PER_REQUEST:
        raise ValidationError(
            _("Too many large images at once: upload fewer images in one go (at most %(pixels)s megapixels together).")
            % {"pixels": settings.RK_MAX_PIXELS_PER_REQUEST // 1_000_000},
            code="request_too_many_pixels",
        )
    _pixels_this_request.set(used + pixels)


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
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)  # reads the header only
            if image.width * image.height > settings.RK_MAX_IMAGE_PIXELS:
                raise too_many_pixels
            _spend_pixels(image.width * image.height)
            if image.format == "JPEG":
                edge = settings.RK_IMAGE_MAX_EDGE
                image.draft(image.mode, (edge, edge))  # decode at 1/2, 1/4 or 1/8 scale when that is enough
            image.load()  # full decode: truncated or corrupt data fails here
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_many_pixels from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    # Animated images are not packaging photos: only the first frame, where Pillow opens them, is
    # decoded and re-encoded (encode_image saves the current frame alone).
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
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)  # never enlarges; a no-op within the box
    return image


def _in_srgb(image: Image.Image, mode: str) -> Image.Image:
    """The image in ``mode`` with its colours converted from an embedded ICC profile to sRGB."""
    profile = image.info.get("icc_profile")
    converted = image.convert(mode)
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(converted, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unreadable profile: keep the pixels as they are, drop the profile
    converted.info = {}  # no EXIF, ICC profile, comment or text chunk is carried over
    return converted


def encode_image(image: Image.Image) -> CleanFile:
    """Re-encode in sRGB: PNG for images with transparency, JPEG otherwise. No metadata at all."""
    out = io.BytesIO()
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = _in_srgb(image, "RGBA")
        image.save(out, format="PNG", optimize=True, icc_profile=None, exif=b"")
        extension = "png"
    else:
        image = _in_srgb(image, "RGB")
        # Progressive JPEGs always get optimised Huffman tables (libjpeg), so no ``optimize=True`` here.
        image.save(out, format="JPEG", quality=85, progressive=True, icc_profile=None, exif=b"", comment=b"")
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
        if _pdf_active_content(data, reader):
            raise ValidationError(
                _("PDFs with scripts, automatic actions or embedded files are not accepted. Save or print the "
                  "document again as a plain PDF and upload that."),
                code="active_pdf",
            )
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError):
        raise invalid from None
    return CleanFile(content=ContentFile(data, name=random_name("pdf")), extension="pdf")


ACTIVE_PDF_NAMES = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles"})
# Plain-text names long enough not to turn up by chance inside compressed binary streams ("/JS" would).
_ACTIVE_PDF_BYTES = re.compile(rb"/(JavaScript|OpenAction|Launch|EmbeddedFiles?)(?![A-Za-z0-9])")


def _pdf_active_content(data: bytes, reader) -> bool:
    """True if the PDF names JavaScript, an open or additional action, a launch action or an embedded
    file anywhere: in its plain bytes, or in any object reachable from the trailer (which also covers
    compressed object streams and #-escaped names, which pypdf decodes)."""
    if _ACTIVE_PDF_BYTES.search(data):
        return True
    seen, stack, budget = set(), [reader.trailer], 50_000
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if ACTIVE_PDF_NAMES.intersection(node.keys()):
                return True
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, NameObject) and node in ACTIVE_PDF_NAMES:
            return True
    return bool(stack)  # too many objects to check: refuse rather than guess


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
