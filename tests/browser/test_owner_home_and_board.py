"""Issue 12 in a real browser: the owner's action-first home on phones from 320 to 414 px and on a
desktop, and the staff board on a generated year of data (fits 1280×800; a state picker on a phone)."""
import pytest

from accounts.roles import Role
from bookings.demo import generate_bookings
from bookings.models import Service
from bookings.services import booking_submit, booking_transition, booking_verify, proof_send
from tests.browser.conftest import check_accessibility, shot, sign_in
from tests.browser.test_journeys import PASSWORD, proof_image
from tests.factories import BusinessFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def overflow(page) -> int:
    """How far the page reaches past the right edge of the viewport (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def boxes_overlap(a, b) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_owner_home_leads_with_the_action_and_shows_the_unread_count(page):
    staff = UserFactory(role=Role.STAFF)
    owner = UserFactory(role=Role.OWNER, username="ina", password=PASSWORD, name="Ina Latuconsina")
    product = ProductFactory(business=BusinessFactory(owner=owner, name="Sagu Lempeng Mama Ina"), name="Sagu Lempeng Kenari")
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="desain-kemasan"), quantity=1)
    booking_verify(booking=booking, actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof_send(booking=booking, actor=staff, file=proof_image(), note="Draf pertama")

    sign_in(page, "ina", PASSWORD)
    page.goto(page.base + "/beranda/")
    # The one action of the request that waits for the owner, first on the page.
    action = page.locator(".to-do a.btn", has_text="Periksa desain")
    assert action.is_visible()
    assert action.get_attribute("href").endswith(f"/permohonan/{booking.code}/draf/setujui/")
    # The unread count is in view without opening the menu, also on a phone.
    badge = page.locator("#unread .badge")
    assert badge.is_visible() and int(badge.inner_text()) >= 1
    box = badge.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= page.viewport_size["width"] and box["y"] < 60
    check_accessibility(page)
    shot(page, "13-owner-home")

    widths = [320, 360, 414] if page.viewport_name == "phone" else [1280]
    for width in widths:
        page.set_viewport_size({"width": width, "height": 740 if width < 1000 else 800})
        assert overflow(page) <= 0, f"sideways scrolling at {width} px"
        # One line for the navigation bar; codes never break; code and badge do not overlap.
        assert page.locator("nav.navbar").bounding_box()["height"] < 70, f"navigation wraps at {width} px"
        code = page.locator(".to-do .code").first
        code_box, badge_box = code.bounding_box(), page.locator(".to-do .badge.status").first.bounding_box()
        assert code_box["height"] < 2 * float(code.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24")), f"code breaks at {width} px"
        assert not boxes_overlap(code_box, badge_box), f"code and status overlap at {width} px"
        heading = page.locator("h1").bounding_box()
        assert not boxes_overlap(heading, page.locator(".to-do").first.bounding_box())


def test_board_fits_a_desktop_and_offers_a_state_picker_on_a_phone(page):
    UserFactory(role=Role.STAFF, username="petugas1", password=PASSWORD, name="Yohanes Pattiasina")
    UserFactory(role=Role.STAFF, name="Maria Tuhumury")
    made = generate_bookings(1200, seed=12)  # a generated year, the last weeks' requests still open
    assert made == 1200

    sign_in(page, "petugas1", PASSWORD)
    page.goto(page.base + "/petugas/")
    states = page.locator(".board-state")
    assert states.count() == 10
    if page.viewport_name == "desktop":
        assert overflow(page) <= 0
        assert page.evaluate("(() => { const b = document.getElementById('board'); return b.scrollWidth <= b.clientWidth; })()")
        width = page.viewport_size["width"]
        for i in range(states.count()):
            box = states.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, states.nth(i).inner_text()[:40]
        assert page.locator("nav.navbar").bounding_box()["height"] < 70  # the navigation on one line
        assert not page.locator("#id_tahap").is_visible()
    else:
        assert overflow(page) <= 0
        picker = page.locator("#id_tahap")
        assert picker.is_visible()
        visible = [i for i in range(states.count()) if states.nth(i).is_visible()]
        assert len(visible) == 1
        # Choosing a state shows that one (at once with JavaScript).
        page.select_option("#id_tahap", "produksi")
        page.wait_for_url("**tahap=produksi**")
        assert page.locator(".board-state.is-picked h3").inner_text().startswith("Produksi")
        page.goto(page.base + "/petugas/")
    check_accessibility(page)
    shot(page, "08-staff-board")
