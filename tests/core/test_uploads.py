import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import clean_image, clean_image_or_pdf
from tests.conftest import image_bytes


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    gps = {1: "S", 2: (3.0, 41.0, 44.0), 3: "E", 4: (128.0, 10.0, 52.0)}
    exif[0x8825] = gps
    return exif


def test_valid_jpeg_is_reencoded_under_random_name():
    clean = clean_image(upload(image_bytes("JPEG")))
    assert clean.extension == "jpg"
    assert clean.content.name.endswith(".jpg") and clean.content.name != "foto.jpg"
    assert len(clean.content.name) == 36  # 32 hex characters + ".jpg"
    assert Image.open(io.BytesIO(clean.content.read())).format == "JPEG"


def test_png_with_transparency_stays_png():
    clean = clean_image(upload(image_bytes("PNG", alpha=True), name="logo.png", content_type="image/png"))
    assert clean.extension == "png"


def test_webp_is_accepted():
    clean = clean_image(upload(image_bytes("WEBP"), name="x.webp", content_type="image/webp"))
    assert clean.extension == "jpg"


def test_exif_and_gps_are_removed_after_orientation_is_applied():
    data = io.BytesIO()
    Image.new("RGB", (80, 40), "blue").save(data, format="JPEG", exif=exif_with_gps())
    assert Image.open(io.BytesIO(data.getvalue())).getexif().get_ifd(0x8825)  # the original has GPS

    clean = clean_image(upload(data.getvalue()))
    result = Image.open(io.BytesIO(clean.content.read()))
    assert dict(result.getexif()) == {}
    assert result.size == (40, 80)  # rotated upright before EXIF was dropped


def test_text_disguised_as_jpeg_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(b"this is not an image at all" * 10))
    assert error.value.code == "invalid_image"


def test_gif_is_refused_even_if_named_jpg():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(image_bytes("GIF")))
    assert error.value.code == "invalid_image"


def test_truncated_jpeg_is_refused_by_full_decode():
    data = image_bytes("JPEG", size=(400, 300))
    with pytest.raises(ValidationError) as error:
        clean_image(upload(data[: len(data) // 2]))
    assert error.value.code == "invalid_image"


def test_oversized_file_is_refused(settings):
    settings.RK_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        clean_image(upload(image_bytes("PNG", size=(300, 300), colour="white") + b"\0" * 2000, name="a.png"))
    assert error.value.code == "file_too_large"


def test_pixel_bomb_is_refused_before_decoding(settings):
    # A tiny PNG that declares 10,000 × 10,000 pixels (100 megapixels) compresses to a few hundred KB.
    data = image_bytes("PNG", size=(10_000, 10_000), colour="black")
    assert len(data) < 1_000_000  # well under the byte limit: only the pixel ceiling can stop it
    with pytest.raises(ValidationError) as error:
        clean_image(upload(data, name="bomb.png", content_type="image/png"))
    assert error.value.code == "image_too_many_pixels"


def test_decompression_bomb_warning_is_an_error(settings):
    # Just over Pillow's own warning threshold, which core.apps sets to RK_MAX_IMAGE_PIXELS.
    Image.MAX_IMAGE_PIXELS = 1000
    settings.RK_MAX_IMAGE_PIXELS = 10_000_000
    try:
        with pytest.raises(ValidationError) as error:
            clean_image(upload(image_bytes("PNG", size=(40, 40)), name="a.png"))
        assert error.value.code == "image_too_many_pixels"
    finally:
        Image.MAX_IMAGE_PIXELS = 25_000_000


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError) as error:
        clean_image(upload(svg, name="logo.svg", content_type="image/svg+xml"))
    assert error.value.code == "svg"
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(svg, name="logo.png", content_type="image/png"))
    assert error.value.code == "svg"


def test_large_photo_is_scaled_down(settings):
    settings.RK_IMAGE_MAX_EDGE = 100
    clean = clean_image(upload(image_bytes("JPEG", size=(400, 200))))
    assert Image.open(io.BytesIO(clean.content.read())).size == (100, 50)


def minimal_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def test_pdf_is_accepted_as_document():
    clean = clean_image_or_pdf(upload(minimal_pdf(), name="sketsa.pdf", content_type="application/pdf"))
    assert clean.extension == "pdf"
    assert clean.content_type == "application/pdf"


def test_broken_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(b"%PDF-1.4\n garbage without objects", name="x.pdf"))
    assert error.value.code == "invalid_pdf"


def test_other_files_are_refused_as_documents():
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(b"PK\x03\x04 zip archive", name="x.docx"))
    assert error.value.code == "invalid_file"


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_image(upload(b"", name="a.jpg"))
    assert error.value.code in ("empty_file", "invalid_image")
