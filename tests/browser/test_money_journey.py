"""Money and the store in a real browser (360×740 and 1280×800): the owner accepts the quotation and
uploads a transfer proof; the treasurer confirms it and prints the receipt; production starts and takes
its materials from the store. Screenshots for the README: quotation, receipt, store."""
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from accounts.roles import Role
from bookings.models import Service
from bookings.services import booking_submit, booking_verify
from materials import services as store
from materials.models import BillLine, Material
from payments.models import LedgerEntry
from tests.browser.conftest import check_accessibility, shot, sign_in
from tests.conftest import image_bytes
from tests.factories import BusinessFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "rahasia-panjang-123"


@pytest.fixture
def money_data(reference_data):
    importlib.import_module("payments.migrations.0002_treasurer_and_rules").forwards(apps, None)


def test_owner_pays_by_transfer_treasurer_confirms_production_starts(page, money_data, tmp_path):
    staff = UserFactory(role=Role.STAFF, username="petugas1", password=PASSWORD)
    UserFactory(role=Role.TREASURER, username="bendahara1", password=PASSWORD, name="Maria Tuhumury")
    owner = UserFactory(role=Role.OWNER, username="pemilik1", password=PASSWORD)
    product = ProductFactory(business=BusinessFactory(owner=owner, name="Sagu Lempeng Mama Ina"))
    sablon = Service.objects.get(slug="sablon")
    ink = Material.objects.create(name="Tinta sablon plastisol", unit="ml", minimum_stock=500, unit_cost=150)
    BillLine.objects.create(service=sablon, material=ink, per_unit=Decimal("2"))
    store.stock_receive(material=ink, actor=staff, quantity=3000, unit_cost=150, reason="Pembelian awal")
    booking = booking_submit(actor=owner, product=product, service=sablon, quantity=150)
    booking_verify(booking=booking, actor=staff)

    # The owner sees the quotation (Rp 450.000; production after a 50 % down payment) and accepts it.
    sign_in(page, "pemilik1", PASSWORD)
    page.goto(page.base + booking.get_absolute_url())
    panel = page.locator("#money")
    assert "Rp 450.000" in panel.inner_text() and "Rp 225.000" in panel.inner_text()
    check_accessibility(page)
    panel.scroll_into_view_if_needed()
    shot(page, "20-quotation")
    page.click("button:has-text('Setujui penawaran')")
    assert "disetujui" in page.locator("#money").inner_text()

    # … and uploads the proof of a transfer of the down payment.
    page.click("text=Unggah bukti transfer")
    proof = tmp_path / "bukti.jpg"
    proof.write_bytes(image_bytes("JPEG", size=(600, 800), colour="#dde"))
    page.fill("#id_amount", "225000")
    page.set_input_files("#id_proof", str(proof))
    check_accessibility(page)
    page.click("#submit-id-submit")
    page.wait_for_url(f"**{booking.get_absolute_url()}")
    assert "Menunggu konfirmasi" in page.locator("#money").inner_text()
    page.context.clear_cookies()

    # The treasurer finds it on the desk, confirms it and prints the receipt.
    sign_in(page, "bendahara1", PASSWORD)
    page.goto(page.base + "/bendahara/")
    check_accessibility(page)
    page.click(f"text={booking.code}")
    page.click("#money button:has-text('Konfirmasi')")
    page.wait_for_load_state()
    entry = LedgerEntry.objects.get(booking=booking)
    page.click(f"text=Kuitansi {entry.receipt_code}")
    assert "dua ratus dua puluh lima ribu rupiah" in page.content()
    check_accessibility(page)
    shot(page, "21-receipt")
    page.goto(page.base + "/bendahara/buku-kas/")
    check_accessibility(page)
    shot(page, "22-cash-book")
    page.context.clear_cookies()

    # Staff start production: the ink is reserved in the store.
    sign_in(page, "petugas1", PASSWORD)
    page.goto(page.base + booking.get_absolute_url())
    page.click("button:has-text('Mulai produksi')")
    booking.refresh_from_db()
    assert booking.status == "produksi"
    assert store.stock_of([ink.pk])[ink.pk] == (3000, 300)
    page.goto(page.base + "/gudang/")
    check_accessibility(page)
    shot(page, "23-store")
