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
    # A tiny PNG that declares 10,000 × 10,000 pixels (100 megapixels) compresses to a few KB (1 bit a
    # pixel to write it quickly; decoded by Pillow it would still be 100 megapixels).
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    data = out.getvalue()
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
    for clean in (clean_image, clean_image_or_pdf):
        with pytest.raises(ValidationError) as error:
            clean(upload(b"", name="a.jpg"))
        assert error.value.code == "empty_file"


class Unsized(io.BytesIO):
    """A stream whose size the client did not declare (chunked upload): only the read bound stops it."""

    name = "a.png"
    size = None


def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_refused(settings):
    data = image_bytes("PNG", size=(30, 30))
    settings.RK_MAX_UPLOAD_BYTES = len(data)
    assert clean_image(upload(data, name="a.png")).extension == "jpg"
    assert clean_image(Unsized(data)).extension == "jpg"
    settings.RK_MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as declared:
        clean_image(upload(data, name="a.png"))
    assert declared.value.code == "file_too_large"
    with pytest.raises(ValidationError) as read:
        clean_image(Unsized(data))
    assert read.value.code == "file_too_large"


def test_too_large_message_names_the_limit(settings):
    from django.utils import translation

    settings.RK_MAX_UPLOAD_BYTES = 1024
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            clean_image(upload(b"x" * 2048))
        assert error.value.messages == ["The file is too large (2.0\xa0KB). The maximum is 1.0\xa0KB."]
        with pytest.raises(ValidationError) as error:
            clean_image(Unsized(b"x" * 2048))
        assert error.value.messages == ["The file is too large. The maximum is 1.0\xa0KB."]


def reopen(clean):
    return Image.open(io.BytesIO(clean.content.read()))


def test_palette_image_with_transparency_keeps_it():
    out = io.BytesIO()
    image = Image.new("P", (20, 20), 0)
    image.putpalette([255, 0, 0] + [0, 0, 255] * 255)
    image.save(out, format="PNG", transparency=0)
    clean = clean_image(upload(out.getvalue(), name="p.png"))
    assert clean.extension == "png" and clean.content.name.endswith(".png")
    result = reopen(clean)
    assert result.mode == "RGBA" and result.getpixel((0, 0))[3] == 0


def test_grey_image_with_alpha_keeps_it():
    out = io.BytesIO()
    Image.new("LA", (10, 10), (128, 0)).save(out, format="PNG")
    clean = clean_image(upload(out.getvalue(), name="la.png"))
    assert clean.extension == "png" and reopen(clean).getpixel((0, 0))[3] == 0


def test_palette_image_without_transparency_becomes_jpeg():
    out = io.BytesIO()
    Image.new("P", (20, 20), 3).save(out, format="PNG")
    clean = clean_image(upload(out.getvalue(), name="p.png"))
    assert clean.extension == "jpg" and reopen(clean).mode == "RGB"


def test_opaque_png_becomes_jpeg_with_its_colours():
    clean = clean_image(upload(image_bytes("PNG", colour=(0, 0, 255)), name="a.png"))
    assert clean.extension == "jpg"
    red, green, blue = reopen(clean).getpixel((5, 5))
    assert blue > 240 and red < 15 and green < 15


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_keep_their_first_frame(fmt):
    frames = [Image.new("RGB", (16, 16), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(out.getvalue())).n_frames == 3
    result = reopen(clean_image(upload(out.getvalue(), name=f"a.{fmt.lower()}")))
    assert getattr(result, "n_frames", 1) == 1
    red, green, _blue = result.getpixel((8, 8))[:3]
    assert red > 200 and green < 60


def test_animated_gif_is_refused():
    frames = [Image.new("P", (16, 16), i) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError) as error:
        clean_image(upload(out.getvalue(), name="a.gif"))
    assert error.value.code == "invalid_image"
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(out.getvalue(), name="a.gif"))
    assert error.value.code == "invalid_file"


def test_an_image_of_exactly_the_pixel_ceiling_is_accepted(settings):
    settings.RK_MAX_IMAGE_PIXELS = 40 * 30
    assert clean_image(upload(image_bytes("PNG", size=(40, 30)), name="a.png")).extension == "jpg"
    settings.RK_MAX_IMAGE_PIXELS = 40 * 30 - 1
    with pytest.raises(ValidationError) as error:
        clean_image(upload(image_bytes("PNG", size=(40, 30)), name="a.png"))
    assert error.value.code == "image_too_many_pixels"


def test_an_image_at_the_edge_limit_is_not_resized(settings):
    settings.RK_IMAGE_MAX_EDGE = 100
    assert reopen(clean_image(upload(image_bytes("JPEG", size=(100, 60))))).size == (100, 60)
    assert reopen(clean_image(upload(image_bytes("JPEG", size=(60, 101))))).size == (59, 100)


def test_pixel_bomb_in_a_document_upload_keeps_its_reason(settings):
    settings.RK_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(image_bytes("PNG", size=(20, 20)), name="a.png"))
    assert error.value.code == "image_too_many_pixels"


def test_images_are_accepted_as_documents():
    clean = clean_image_or_pdf(upload(image_bytes("JPEG"), name="scan.jpg"))
    assert (clean.extension, clean.content_type) == ("jpg", "image/jpeg")
    assert reopen(clean).format == "JPEG"
    clean = clean_image_or_pdf(upload(image_bytes("PNG", alpha=True), name="scan.png"))
    assert (clean.extension, clean.content_type) == ("png", "image/png")


def test_svg_by_content_or_by_name_is_refused():
    for data, name in [(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png"), (image_bytes("PNG"), "a.SVG"),
                       (b"  <?xml version='1.0'?><x/>", "a.png"), (image_bytes("PNG"), "logo.svgz")]:
        for clean in (clean_image, clean_image_or_pdf):
            with pytest.raises(ValidationError) as error:
                clean(upload(data, name=name))
            assert error.value.code == "svg"


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zero_page_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def test_password_protected_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(encrypted_pdf(), name="x.pdf"))
    assert error.value.code == "encrypted_pdf"


def test_pdf_without_pages_is_refused():
    data = zero_page_pdf()
    assert data.startswith(b"%PDF-")
    with pytest.raises(ValidationError) as error:
        clean_image_or_pdf(upload(data, name="x.pdf"))
    assert error.value.code == "invalid_pdf"


def test_a_pdf_is_stored_byte_for_byte_under_a_random_name():
    from core.uploads import clean_pdf

    data = minimal_pdf()
    clean = clean_pdf(data)
    assert clean.content.read() == data
    assert clean.content.name.endswith(".pdf") and len(clean.content.name) == 36
    with pytest.raises(ValidationError) as error:
        clean_pdf(b"%PDX-" + data[5:])
    assert error.value.code == "invalid_pdf"


def test_thumbnails_are_bounded():
    from core.uploads import make_thumbnail

    thumb = make_thumbnail(image_bytes("JPEG", size=(400, 200)), 100)
    assert Image.open(io.BytesIO(thumb.read())).size == (100, 50)


def test_random_names_do_not_repeat():
    from core.uploads import random_name

    names = {random_name("png") for _ in range(50)}
    assert len(names) == 50 and all(len(n) == 36 and n.endswith(".png") for n in names)


def test_a_stream_already_read_is_read_from_the_start():
    stream = upload(image_bytes("JPEG"))
    stream.read()
    assert clean_image(stream).extension == "jpg"


def test_the_pixel_ceiling_is_named_in_megapixels(settings):
    from django.utils import translation

    settings.RK_MAX_IMAGE_PIXELS = 3_000_000
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            clean_image(upload(image_bytes("PNG", size=(2000, 1600)), name="a.png"))
    assert error.value.messages == ["The image is too large: at most 3 megapixels are accepted."]


def test_jpeg_is_written_progressive_optimised_at_quality_85():
    from core.uploads import encode_image

    image = Image.new("RGB", (64, 64))
    image.putdata([((x * 4) % 256, (y * 4) % 256, (x * y) % 256) for y in range(64) for x in range(64)])
    expected = io.BytesIO()
    image.save(expected, format="JPEG", quality=85, optimize=True, progressive=True)
    clean = encode_image(image)
    assert clean.content.read() == expected.getvalue()
    assert Image.open(io.BytesIO(expected.getvalue())).info.get("progressive") == 1


def test_png_is_written_optimised():
    from core.uploads import encode_image

    image = Image.new("RGBA", (64, 64))
    image.putdata([((x * 4) % 256, 0, 0, (y * 4) % 256) for y in range(64) for x in range(64)])
    expected = io.BytesIO()
    image.save(expected, format="PNG", optimize=True)
    assert encode_image(image).content.read() == expected.getvalue()


def test_png_thumbnails_too():
    from core.uploads import make_thumbnail

    thumb = make_thumbnail(image_bytes("PNG", size=(300, 300)), 60)
    assert Image.open(io.BytesIO(thumb.read())).size == (60, 60)
    with pytest.raises(Exception):
        make_thumbnail(image_bytes("WEBP"), 60)  # thumbnails are made of stored files: JPEG or PNG only


def test_large_jpegs_are_decoded_at_reduced_scale(settings):
    from core.uploads import _decode_image

    settings.RK_IMAGE_MAX_EDGE = 100
    # 1/4 scale is the smallest that still leaves at least 100 pixels on each side.
    assert _decode_image(image_bytes("JPEG", size=(800, 600))).size == (200, 150)
    assert _decode_image(image_bytes("PNG", size=(800, 600))).size == (800, 600)  # PNG has no reduced decoding
    settings.RK_IMAGE_MAX_EDGE = 1000
    assert _decode_image(image_bytes("JPEG", size=(800, 600))).size == (800, 600)


def test_a_validated_file_carries_no_client_name_and_cannot_be_altered():
    import dataclasses

    clean = clean_image(upload(image_bytes("JPEG"), name="rahasia-klien.jpg"))
    assert clean.original_name == ""  # the form names it (core.forms), never from the client's path
    with pytest.raises(dataclasses.FrozenInstanceError):
        clean.extension = "pdf"


def test_svg_is_sniffed_in_the_first_512_bytes():
    tag = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    for padding, code in [(b"x" * 508, "svg"), (b"x" * 509, "invalid_image")]:  # "<svg" in bytes 509-512, or past them
        with pytest.raises(ValidationError) as error:
            clean_image(upload(padding + tag, name="a.png"))
        assert error.value.code == code
