"""The three journeys in a real browser, at 360×740 and 1280×800, with screenshots and axe-core."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from bookings.models import Booking, Service
from bookings.proofs import APPROVAL_CHECKLIST
from bookings.services import booking_submit, booking_transition, booking_verify, proof_approve, proof_send
from core.uploads import clean_image
from tests.browser.conftest import check_accessibility, shot, sign_in
from tests.conftest import image_bytes
from tests.factories import BusinessFactory, DocumentFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "rahasia-panjang-123"


def proof_image():
    return clean_image(SimpleUploadedFile("draf.png", image_bytes("PNG", size=(600, 400), colour="#2e7d5b"), "image/png"))


def test_owner_journey(page, photo_file):
    staff = UserFactory(role=Role.STAFF)
    page.goto(page.base + "/")
    check_accessibility(page)
    shot(page, "01-landing")

    # Register.
    page.goto(page.base + "/daftar/")
    page.fill("#id_name", "Ina Latuconsina")
    page.fill("#id_username", "ina")
    page.fill("#id_phone", "0812 3456 7890")
    page.fill("#id_password1", "sagu-lempeng-99")
    page.fill("#id_password2", "sagu-lempeng-99")
    page.check("#id_consent")
    page.click("#submit-id-submit")
    page.wait_for_url("**/usaha/baru/")

    # The business.
    page.fill("#id_name", "Sagu Mama Ina")
    page.select_option("#id_sector", "food")
    page.fill("#id_address", "Jl. Sultan Hairun 5, Dobo")
    page.select_option("#id_district", label="Kepulauan Aru")
    check_accessibility(page)
    shot(page, "02-business-form")
    page.click("#submit-id-submit")
    page.wait_for_url("**/produk/baru/")

    # A product with a photo.
    page.fill("#id_name", "Sagu Lempeng")
    page.select_option("#id_category", "food")
    page.fill("#id_ingredients", "Tepung sagu, kenari")
    page.fill("#id_net_content", "250")
    page.select_option("#id_net_content_unit", "g")
    page.select_option("#id_packaging_material", "2")
    page.set_input_files("#id_photos", str(photo_file))
    page.click("#submit-id-submit")
    page.wait_for_url("**/produk/*/")
    assert page.locator(".photo-grid img").count() == 1
    check_accessibility(page)
    shot(page, "03-product")

    # A request, from the product's page: the product comes pre-selected.
    page.click("main a:has-text('Ajukan permohonan kemasan')")
    page.wait_for_url("**/permohonan/baru/?produk=*")
    assert page.locator("#id_product option:checked").inner_text() == "Sagu Lempeng"
    page.locator("#div_id_service label", has_text="Desain kemasan").click()
    page.fill("#id_quantity", "1")
    # Services are described choices; the estimate stands out, right above the submit button.
    assert "Dokumen yang diperlukan" in page.inner_text("#div_id_service") or "Tanpa dokumen" in page.inner_text("#div_id_service")
    assert page.inner_text("#cost-hint") == "Rp 250.000"
    assert page.evaluate(  # measured in one go: the page may still be scrolling smoothly
        "document.querySelector('.estimate').getBoundingClientRect().bottom"
        " <= document.querySelector('#submit-id-submit').getBoundingClientRect().top"
    )
    check_accessibility(page)
    shot(page, "04-request-form")
    page.click("#submit-id-submit")
    page.wait_for_url("**/permohonan/RK-*/")
    booking = Booking.objects.get()
    assert "Diajukan" in page.inner_text("main")

    # The office verifies, designs and sends a proof; the owner approves it with the checklist.
    booking_verify(booking=booking, actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof_send(booking=booking, actor=staff, file=proof_image(), note="Draf pertama")
    page.reload()
    shot(page, "05-request-detail")
    page.click("text=Periksa desain")
    page.wait_for_url("**/draf/setujui/")
    check_accessibility(page)
    shot(page, "06-proof-review")
    for key, _label in APPROVAL_CHECKLIST:
        page.check(f"#id_{key}")
    page.click("text=Setujui desain ini")
    page.wait_for_url(f"**{booking.get_absolute_url()}")
    booking.refresh_from_db()
    assert booking.status == "disetujui"

    # Track it without signing in.
    page.context.clear_cookies()
    page.goto(page.base + "/lacak/")
    page.fill("#id_code", booking.code)
    page.fill("#id_last4", "7890")
    page.click("#submit-id-submit")
    assert "Disetujui" in page.inner_text("main")
    check_accessibility(page)
    shot(page, "07-tracking")


def test_staff_journey(page, tmp_path):
    UserFactory(role=Role.STAFF, username="petugas1", password=PASSWORD)
    owner = UserFactory(role=Role.OWNER)
    product = ProductFactory(business=BusinessFactory(owner=owner))
    DocumentFactory(business=product.business, product=product, kind="pirt", number="206327101012329")
    DocumentFactory(business=product.business, product=product, kind="halal", number="ID31110000123450123")
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="kemasan-standing-pouch"), quantity=200)

    sign_in(page, "petugas1", PASSWORD)
    page.wait_for_url("**/petugas/")
    check_accessibility(page)
    page.check(f"input[value='{booking.code}']")
    page.click("text=Verifikasi yang dipilih")
    # htmx swaps the board and the messages in place (no reload): the confirmation names the request.
    assert booking.code in page.locator("#messages .alert-success").inner_text()
    booking.refresh_from_db()
    assert booking.status == "dalam_antrean" and booking.queue_position == 1

    page.goto(page.base + booking.get_absolute_url())
    check_accessibility(page)
    shot(page, "09-staff-request")
    page.click("button:has-text('Mulai desain')")
    page.click("text=Unggah dan kirim draf desain")
    proof = tmp_path / "draf.png"
    proof.write_bytes(image_bytes("PNG", size=(600, 400), colour="#2e7d5b"))
    page.set_input_files("#id_file", str(proof))
    page.fill("#id_note", "Versi 1")
    page.click("#submit-id-submit")
    page.wait_for_url(f"**{booking.get_absolute_url()}")
    proof_approve(booking=booking, actor=owner, checklist={k: True for k, _l in APPROVAL_CHECKLIST})

    # Production starts once the owner accepted the quotation and paid the deposit (payments app).
    from payments import services as payments
    from payments.models import Quotation

    payments.quotation_accept(quotation=payments.current_quotation(booking), actor=owner, via=Quotation.AcceptedVia.APP)
    payments.payment_record(booking=booking, actor=UserFactory(role=Role.TREASURER), method="cash", amount=payments.balance(booking)["outstanding"])
    page.reload()
    page.click("button:has-text('Mulai produksi')")
    page.fill("#id_quantity_produced", "210")
    page.click("button:has-text('Produksi selesai')")
    page.click("text=Catat serah terima")
    page.check("input[name=method][value=proxy]")
    page.fill("#id_collected_by", "Yosef (adik)")
    page.click("#submit-id-submit")
    page.wait_for_url(f"**{booking.get_absolute_url()}")
    booking.refresh_from_db()
    assert (booking.status, booking.quantity_produced, booking.collected_by) == ("selesai", 210, "Yosef (adik)")
    page.goto(page.base + f"/permohonan/{booking.code}/surat-kerja/")
    assert page.locator(".qr svg").count() == 1
    shot(page, "10-work-order")
    page.goto(page.base + "/petugas/hari-ini/")
    check_accessibility(page)
    shot(page, "11-staff-today")


def test_admin_report_journey(page):
    UserFactory(role=Role.ADMIN, username="admin1", password=PASSWORD)
    owner = UserFactory(role=Role.OWNER)
    product = ProductFactory(business=BusinessFactory(owner=owner))
    booking_submit(actor=owner, product=product, service=Service.objects.get(slug="sablon"), quantity=50)
    # A generated year of requests, with survey answers, so the report looks like a working house's.
    from bookings.demo import generate_bookings
    from bookings.models import Booking
    from reports.demo import generate_surveys

    generate_bookings(600, seed=7)
    generate_surveys(Booking.objects.all(), seed=7)
    sign_in(page, "admin1", PASSWORD)
    page.goto(page.base + "/laporan/?period=year")
    assert page.locator("svg.chart").count() == 4
    check_accessibility(page)
    shot(page, "12-report")
    page.click("button[value=report_xlsx]")
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.click("a[href*='/laporan/ekspor/']")
    assert download.value.suggested_filename.endswith(".xlsx")
