"""Issue 11's upload hardening: pixel budget per request, no metadata, no active PDFs."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from core.uploads import clean_image, clean_image_or_pdf, pixel_budget_end, pixel_budget_start


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def big_png(size) -> bytes:
    """A highly compressible image: a few KB that decode to many megapixels (a small bomb)."""
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def test_one_request_decodes_at_most_its_pixel_budget(settings):
    settings.RK_MAX_IMAGE_PIXELS = 4_000_000
    settings.RK_MAX_PIXELS_PER_REQUEST = 6_000_000
    bomb = big_png((2000, 2000))  # 4 megapixels each, under the per-image ceiling
    pixel_budget_start()
    try:
        clean_image(upload(bomb, name="a.png", content_type="image/png"))
        with pytest.raises(ValidationError) as refused:
            clean_image(upload(bomb, name="b.png", content_type="image/png"))
    finally:
        pixel_budget_end()
    assert refused.value.code == "request_too_many_pixels"
    pixel_budget_start()  # the next request has its own budget
    try:
        clean_image(upload(bomb, name="c.png", content_type="image/png"))
    finally:
        pixel_budget_end()


def test_reencoded_photos_carry_no_comment_and_no_foreign_colour_profile():
    adobe_like = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="JPEG", comment=b"hello from the camera", icc_profile=adobe_like)
    source = Image.open(io.BytesIO(out.getvalue()))
    assert source.info.get("comment") and source.info.get("icc_profile")  # the upload had both

    clean = Image.open(io.BytesIO(clean_image(upload(out.getvalue())).content.read()))
    assert "comment" not in clean.info and "icc_profile" not in clean.info and "exif" not in clean.info


def test_png_text_chunks_and_profiles_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret")
    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info, icc_profile=srgb)
    clean = Image.open(io.BytesIO(clean_image(upload(out.getvalue(), name="x.png", content_type="image/png")).content.read()))
    assert clean.format == "PNG" and not set(clean.info) & {"Comment", "icc_profile", "exif"}


def pdf_with(**extra) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if extra.get("javascript"):  # a document-level script in the /Names tree, as add_js once made it
        from pypdf.generic import ArrayObject, DictionaryObject, TextStringObject

        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
        names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(action)])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(names)})
    if extra.get("attachment"):
        writer.add_attachment("payload.exe", b"MZ...")
    if extra.get("launch"):
        from pypdf.generic import DictionaryObject, TextStringObject

        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe"),
        })
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["javascript", "attachment", "launch"])
def test_pdfs_with_active_content_are_refused_with_a_clear_message(kind):
    with pytest.raises(ValidationError) as refused:
        clean_image_or_pdf(upload(pdf_with(**{kind: True}), name="x.pdf", content_type="application/pdf"))
    assert refused.value.code == "active_pdf"
    assert "PDF" in str(refused.value.messages[0])


def test_a_plain_pdf_is_still_accepted():
    assert clean_image_or_pdf(upload(pdf_with(), name="x.pdf", content_type="application/pdf")).extension == "pdf"
