"""Counter intake in a real browser at 1280×800: a walk-in owner from the search to the printed receipt,
counting what staff fill and click (issue 9: at most 12 fields and 6 clicks), then the guest book and the
owner's claim page. Screenshots go to docs/screenshots with `make screenshots`."""
import pytest

from accounts.claims import claim_link_create, claim_url
from accounts.roles import Role
from bookings.models import Booking
from intake.models import Visit
from tests.browser.conftest import VIEWPORTS, check_accessibility, shot, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "rahasia-panjang-123"


class Counted:
    """Playwright actions that count what the staff member does: fields filled and clicks."""

    def __init__(self, page):
        self.page, self.fields, self.clicks = page, [], []

    def fill(self, selector, value):
        self.fields.append(selector)
        self.page.fill(selector, value)

    def choose(self, selector, **option):
        self.fields.append(selector)
        self.page.select_option(selector, **option)

    def check(self, selector):
        self.fields.append(selector)
        self.page.check(selector)

    def upload(self, selector, path):
        self.fields.append(selector)
        self.page.set_input_files(selector, path)

    def click(self, selector):
        self.clicks.append(selector)
        self.page.click(selector)


@pytest.fixture
def desktop(browser, live_server, reference_data):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="id-ID", bypass_csp=True)
    context.set_default_timeout(15000)
    # The print dialog cannot be driven headless: count the calls instead.
    context.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    page = context.new_page()
    page.viewport_name, page.base = "desktop", live_server.url
    yield page
    context.close()


def test_counter_walk_in_from_search_to_printed_receipt(desktop, photo_file):
    page = desktop
    staff = UserFactory(role=Role.STAFF)
    sign_in(page, staff.username, PASSWORD)
    page.goto(page.base + "/loket/")
    act = Counted(page)

    # Search as you type: nobody has this number yet.
    act.fill("#owner-search", "0813 5555 7777")
    page.wait_for_selector("#new-owner")
    assert "Tidak ada yang cocok" in page.inner_text("#search-results")
    check_accessibility(page)
    shot(page, "20-counter-search")
    act.click("#new-owner")
    page.wait_for_url("**/loket/baru/**")
    assert page.input_value("#id_phone") == "081355557777"  # typed once, in the search

    # The owner, the business and consent, the product with a camera photo, the request.
    act.fill("#id_name", "Maria Rahanra")
    act.check("#id_gender_0")
    act.choose("#id_district", label="Kota Tual")
    act.choose("#id_sector", value="fishery")
    act.check("#id_consent")
    act.choose("#id_turnover_band", value="lt5m")
    act.fill("#id_product_name", "Ikan asap")
    assert page.get_attribute("#id_photo", "capture") == "environment"
    act.upload("#id_photo", str(photo_file))
    act.choose("#id_service", value=str(__import__("bookings.models").models.Service.objects.get(slug="kemasan-standing-pouch").pk))
    act.fill("#id_quantity", "200")
    check_accessibility(page)
    shot(page, "21-counter-form")
    act.click("#submit-id-submit")
    page.wait_for_url("**/loket/tanda-terima/**")

    # The receipt, printed.
    booking = Booking.objects.get()
    assert booking.channel == "counter" and booking.entered_by == staff and booking.product.photos.count() == 1
    assert booking.code in page.inner_text(".receipt") and page.locator(".receipt-qr svg").count() == 1
    check_accessibility(page)
    act.click("#print-receipt")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    page.locator(".receipt").screenshot(path=str(_shots() / "22-receipt-a6.png"))
    shot(page, "22-receipt-print")
    page.emulate_media(media="screen")
    page.goto(page.url.split("?")[0] + "?kertas=80mm")
    page.emulate_media(media="print")
    page.locator(".receipt").screenshot(path=str(_shots() / "23-receipt-80mm.png"))

    assert len(act.fields) <= 12, act.fields
    assert len(act.clicks) <= 6, act.clicks
    print(f"counter intake: {len(act.fields)} fields, {len(act.clicks)} clicks")


def _shots():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def test_guest_book_entry_in_under_thirty_seconds_of_typing(desktop):
    page = desktop
    staff = UserFactory(role=Role.STAFF)
    sign_in(page, staff.username, PASSWORD)
    page.goto(page.base + "/buku-tamu/")
    act = Counted(page)
    act.fill("#id_name", "Yosef Lololuan")
    act.choose("#id_district", label="Maluku Tenggara")
    act.check("#id_gender_1")
    act.check("#id_purpose_2")  # legality help: NIB
    act.fill("#id_duration_minutes", "15")
    act.click("#submit-id-submit")
    page.wait_for_selector("text=Yosef Lololuan")
    visit = Visit.objects.get()
    assert visit.purpose == "nib" and visit.is_first_visit and visit.staff == staff
    assert len(act.fields) <= 6 and len(act.clicks) == 1  # a handful of choices: well within 30 s
    check_accessibility(page)
    shot(page, "24-guest-book")


def test_claim_page(page):
    """Owners open the claim link on their phones: both sizes."""
    from accounts.services import owner_find_or_create_by_whatsapp

    staff = UserFactory(role=Role.STAFF)
    owner, _ = owner_find_or_create_by_whatsapp(phone="081355558888", name="Maria Rahanra", staff=staff, consent_given=True)
    page.goto(page.base + claim_url(claim_link_create(user=owner, actor=staff)))
    check_accessibility(page)
    shot(page, "25-claim")
    page.fill("#id_password1", "ikan-asap-tual-9")
    page.fill("#id_password2", "ikan-asap-tual-9")
    page.click("#submit-id-submit")
    page.wait_for_load_state()
    owner.refresh_from_db()
    assert owner.is_claimed and owner.check_password("ikan-asap-tual-9")
    page.goto(page.base + "/masuk-wa/")
    check_accessibility(page)
    shot(page, "26-code-sign-in")


def test_counter_pages_on_a_phone(browser, live_server, reference_data, photo_file):
    """Staff on a phone at an outreach stop or a small counter: the pages still work at 360×740."""
    from bookings.models import Service
    from intake.services import counter_intake_create

    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="id-ID", bypass_csp=True)
    page = context.new_page()
    page.viewport_name, page.base = "phone", live_server.url
    staff = UserFactory(role=Role.STAFF)
    sign_in(page, staff.username, PASSWORD)
    page.goto(page.base + "/loket/baru/?q=081355559999")
    check_accessibility(page)
    shot(page, "21-counter-form")
    from accounts.models import District

    result = counter_intake_create(
        staff=staff, owner_data={"name": "Ani", "phone": "081355559999", "gender": "female", "consent_given": True},
        business_data={"district": District.objects.get(name="Buru"), "sector": "food"}, product_data={"name": "Kopi"},
        request_data={"service": Service.objects.get(slug="kemasan-standing-pouch"), "quantity": 100},
    )
    page.goto(page.base + f"/loket/tanda-terima/{result.booking.code}/")
    check_accessibility(page)
    shot(page, "22-receipt")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the receipt page scrolls sideways ({width}px)"
    page.goto(page.base + "/buku-tamu/")
    check_accessibility(page)
    shot(page, "24-guest-book")
    context.close()


MM = 72 / 25.4  # PDF points per millimetre


@pytest.mark.parametrize("paper, size_mm", [("a6", (105, 148)), ("a5", (148, 210)), ("80mm", (80, 200))])
def test_receipt_prints_on_its_paper(desktop, paper, size_mm):
    """Chromium's own print engine lays the receipt out on the paper its CSS names (A6, A5, 80 mm roll)
    and on one page."""
    import io

    from pypdf import PdfReader

    from accounts.models import District
    from bookings.models import Service
    from intake.services import counter_intake_create

    page = desktop
    staff = UserFactory(role=Role.STAFF)
    result = counter_intake_create(
        staff=staff, owner_data={"name": "Ani", "phone": "081355550000", "gender": "female", "consent_given": True},
        business_data={"district": District.objects.get(name="Buru"), "sector": "food"}, product_data={"name": "Kopi"},
        request_data={"service": Service.objects.get(slug="kemasan-standing-pouch"), "quantity": 100},
    )
    sign_in(page, staff.username, PASSWORD)
    page.goto(page.base + f"/loket/tanda-terima/{result.booking.code}/?kertas={paper}")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == size_mm
    assert len(pdf.pages) == 1, [p.extract_text()[:300] for p in pdf.pages]
    assert result.booking.code in pdf.pages[0].extract_text()
