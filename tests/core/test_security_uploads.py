"""Issue 11's upload hardening: pixel budget per request, no metadata, no active PDFs."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from core.uploads import clean_image, clean_image_or_pdf, pixel_budget_end, pixel_budget_start


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def big_image(size, format="PNG") -> bytes:
    """A highly compressible image: a few KB that decode to many megapixels (a small bomb)."""
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format=format)
    return out.getvalue()


def test_one_request_decodes_at_most_its_pixel_budget(settings):
    settings.RK_MAX_IMAGE_PIXELS = 4_000_000
    settings.RK_MAX_PIXELS_PER_REQUEST = 6_000_000
    bomb = big_image((2000, 2000))  # 4 megapixels each, under the per-image ceiling
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


def handmade_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", objects=()) -> bytes:
    """A one-page PDF written by hand (pypdf's writer never #-escapes names): ``objects`` are numbered from 4."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
              b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page_extra + b" >>", *objects]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def pdf_code(data: bytes) -> str:
    try:
        clean_image_or_pdf(upload(data, name="x.pdf", content_type="application/pdf"))
    except ValidationError as error:
        return error.code
    return "accepted"


def test_a_handmade_plain_pdf_is_accepted():
    assert pdf_code(handmade_pdf()) == "accepted"
    assert pdf_code(handmade_pdf(page_extra=b"/Foo [/Bar << /Baz 1 >> 4 0 R]", objects=[b"<< /Qux /Quux >>"])) == "accepted"


@pytest.mark.parametrize("catalog_extra, page_extra, objects", [
    # An open action behind an indirect reference, its name #-escaped so that no plain byte pattern sees it.
    (b"/Open#41ction 4 0 R", b"", [b"<< /S /Named /N /NextPage >>"]),
    # The action names only as a value: an annotation-like dictionary launching a program.
    (b"", b"/Foo << /S /Laun#63h /F (calc.exe) >>", []),
    # A script under the short key /JS alone.
    (b"", b"/Foo 4 0 R", [b"<< /J#53 (app.alert(1)) >>"]),
    # An embedded file named inside an array.
    (b"", b"/Foo [1 /Embedded#46ile]", []),
    # A document's attachments, a script action, an additional action (no byte pattern looks for /AA).
    (b"/Names << /Embedded#46iles 4 0 R >>", b"", [b"<< /Names [] >>"]),
    (b"", b"/Foo << /S /Java#53cript >>", []),
    (b"", b"/AA << /O << /S /Named /N /NextPage >> >>", []),
])
def test_active_content_with_escaped_names_is_found_by_walking_the_objects(catalog_extra, page_extra, objects):
    data = handmade_pdf(catalog_extra, page_extra, objects)
    assert not any(name in data for name in (b"JavaScript", b"OpenAction", b"Launch", b"EmbeddedFile"))
    assert pdf_code(data) == "active_pdf"


def test_active_content_in_an_object_nothing_refers_to_is_refused():
    # Not reachable from the trailer, but in the file's plain bytes (a repairing viewer may find it).
    data = handmade_pdf(objects=[b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"])
    assert pdf_code(data) == "active_pdf"


def test_a_pdf_with_too_many_objects_to_check_is_refused():
    # The walk checks at most 50,000 objects; beyond that the PDF is refused rather than accepted unchecked.
    assert pdf_code(handmade_pdf(page_extra=b"/Foo [" + b"1 " * 49_000 + b"]")) == "accepted"
    assert pdf_code(handmade_pdf(page_extra=b"/Foo [" + b"1 " * 50_100 + b"]")) == "active_pdf"


def test_a_pdf_with_a_broken_cross_reference_table_is_repaired_and_accepted():
    # A line added after the header shifts every offset (as some tools leave files): pypdf's lenient
    # mode rebuilds the table; strict parsing would refuse a PDF that every viewer opens.
    def edited(data):
        return data.replace(b"%PDF-1.7\n", b"%PDF-1.7\n%edited by hand\n", 1)

    assert pdf_code(edited(handmade_pdf())) == "accepted"
    assert pdf_code(edited(handmade_pdf(page_extra=b"/Foo << /S /Laun#63h >>"))) == "active_pdf"


def rgb_profile(red, green, blue) -> bytes:
    """A minimal ICC v2 display profile: linear tone curves and the given D50 colourants."""
    import struct

    def s15(value):
        return struct.pack(">i", round(value * 65536))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    linear = b"curv" + b"\0" * 4 + struct.pack(">I", 0)
    tags = [(b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)), (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*blue)),
            (b"rTRC", linear), (b"gTRC", linear), (b"bTRC", linear)]
    start = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", start + len(body), len(data))
        body += data
    header = (struct.pack(">I", start + len(body)) + b"\0" * 4 + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ " + b"\0" * 12
              + b"acsp" + b"\0" * 28 + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + body


# sRGB's colourants adapted to D50; a profile with red and blue swapped shows a red pixel as blue.
SRGB_RED, SRGB_GREEN, SRGB_BLUE = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
SWAPPED = rgb_profile(SRGB_BLUE, SRGB_GREEN, SRGB_RED)


@pytest.mark.parametrize("fmt, mode, colour", [("JPEG", "RGB", (255, 0, 0)), ("PNG", "RGBA", (255, 0, 0, 255))])
def test_colours_are_converted_from_the_embedded_profile_to_srgb(fmt, mode, colour):
    out = io.BytesIO()
    Image.new(mode, (16, 16), colour).save(out, format=fmt, icc_profile=SWAPPED)
    clean = clean_image(upload(out.getvalue(), name=f"a.{fmt.lower()}"))
    result = Image.open(io.BytesIO(clean.content.read()))
    assert result.mode == mode and "icc_profile" not in result.info
    red, green, blue = result.getpixel((8, 8))[:3]
    assert blue > 240 and red < 15 and green < 15  # shown as the profile meant it, in sRGB


def test_an_unreadable_profile_keeps_the_pixels_and_drops_the_profile():
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (255, 0, 0)).save(out, format="JPEG", icc_profile=b"not a profile" * 20)
    result = Image.open(io.BytesIO(clean_image(upload(out.getvalue())).content.read()))
    red, green, blue = result.getpixel((8, 8))
    assert red > 240 and green < 15 and blue < 15 and "icc_profile" not in result.info


def test_the_request_budget_counts_to_the_pixel_and_is_named_in_megapixels(settings):
    from django.utils import translation

    settings.RK_MAX_IMAGE_PIXELS = 4_000_000
    settings.RK_MAX_PIXELS_PER_REQUEST = 6_000_000
    settings.RK_IMAGE_MAX_EDGE = 100  # JPEGs decode at 1/8 scale: quick, yet the budget counts the declared size
    pixel_budget_start()
    try:
        clean_image(upload(big_image((2000, 2000), "JPEG")))
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            clean_image(upload(big_image((1000, 2001), "JPEG")))  # 4 + 2.001 megapixels: one row of pixels too many
        clean_image(upload(big_image((1000, 2000), "JPEG")))  # exactly 6 megapixels in all
    finally:
        pixel_budget_end()
    assert refused.value.messages == [
        "Too many large images at once: upload fewer images in one go (at most 6 megapixels together)."
    ]


def test_the_request_signals_open_and_close_the_budget(settings, db):
    # ``db``: request_started also runs Django's close_old_connections, which touches a connection an
    # earlier test left open; without database access that failed depending on the order of the tests.
    from django.core.signals import request_finished, request_started

    settings.RK_MAX_PIXELS_PER_REQUEST = 100
    request_started.send(sender=None)
    try:
        with pytest.raises(ValidationError) as refused:
            clean_image(upload(big_image((20, 20)), name="a.png"))
        assert refused.value.code == "request_too_many_pixels"
    finally:
        request_finished.send(sender=None)
    assert clean_image(upload(big_image((20, 20)), name="a.png")).extension == "jpg"  # outside a request: no budget
