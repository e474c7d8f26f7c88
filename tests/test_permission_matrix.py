"""Every URL of the app × every role, with the expected status code.

The list of URLs comes from the URL conf: a new URL without a rule here fails the test. Requests are
GETs; POST-only URLs answer 405 to those who may reach them (and 302/403/404 to the others, as for
any other page). Objects in the URLs belong to owner A.
"""
import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.services import document_add
from bookings.services import booking_submit, booking_transition, booking_verify, proof_send
from bookings.tracking import tracking_token
from core.uploads import clean_image
from materials.models import Material
from payments import services as payment_services
from notifications.models import Channel, Notification
from outreach.models import OutreachTrip
from products.services import photos_add
from reports.models import ReportExport
from tests.conftest import image_bytes
from tests.factories import UserFactory

ROLES = ("anonymous", "owner_a", "owner_b", "staff", "manager", "admin", "treasurer")

# (anonymous, owner A, owner B, staff, manager, admin, treasurer)
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200, 200, 200)
OWN_READ = (302, 200, 404, 200, 200, 200, 200)  # the owner and the office read it; another owner gets 404
OWN_WRITE = (302, 200, 404, 403, 403, 403, 403)  # only the owner edits
OWN_POST = (302, 405, 405, 403, 403, 403, 403)  # owner-only POST actions
OWNER_PAGE = (302, 200, 200, 403, 403, 403, 403)
OFFICE_READ = (302, 403, 403, 200, 200, 200, 200)
OFFICE_ACT_PAGE = (302, 403, 403, 200, 403, 200, 403)
OFFICE_ACT_POST = (302, 403, 403, 405, 403, 405, 403)
REPORT = (302, 403, 403, 403, 200, 200, 403)
POST_SIGNED_IN = (302, 405, 405, 405, 405, 405, 405)
STORE_READ = (302, 403, 403, 200, 200, 200, 403)  # staff, admins, the head of office, not the treasurer (store, trips)
MONEY_PAGE = (302, 403, 403, 403, 403, 200, 200)  # the treasurer and admins only (the cash book among them)
MONEY_POST = (302, 403, 403, 403, 403, 405, 405)
MONEY_REPORT = (302, 403, 403, 403, 200, 200, 200)

RULES = {
    "pages:landing": PUBLIC,
    "pages:home": (302, 200, 200, 302, 302, 302, 302),  # the office goes on to its board
    "pages:privacy": PUBLIC,
    "pages:healthz": PUBLIC,
    "pages:robots": PUBLIC,
    "accounts:login": (200, 302, 302, 302, 302, 302, 302),
    "accounts:logout": (405,) * 7,
    "accounts:register": (200, 302, 302, 302, 302, 302, 302),
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,  # an invalid link: the page says so
    "accounts:password_reset_complete": PUBLIC,
    "accounts:code_request": PUBLIC,
    "accounts:code_reset": PUBLIC,
    "accounts:code_verify": (302,) * 6,  # without a number asked for first: back to the number
    "accounts:password_set": SIGNED_IN,
    "accounts:claim": (410,) * 6,  # the matrix has no valid claim link: the page says so
    "accounts:owner_merge": (302, 403, 403, 403, 403, 200),
    "accounts:profile": SIGNED_IN,
    "accounts:my_data": SIGNED_IN,
    "accounts:request_deletion": POST_SIGNED_IN,
    "accounts:business_list": SIGNED_IN,
    "accounts:business_create": OWNER_PAGE,
    "accounts:business_detail": OWN_READ,
    "accounts:business_edit": OWN_WRITE,
    "accounts:document_add": OWN_WRITE,
    "accounts:document_delete": OWN_POST,
    "accounts:document_scan": OWN_READ,
    "products:create": OWN_WRITE,
    "products:detail": OWN_READ,
    "products:edit": OWN_WRITE,
    "products:photo_upload": OWN_WRITE,
    "products:photo_delete": OWN_POST,
    "products:photo": OWN_READ,
    "products:photo_thumb": OWN_READ,
    "bookings:list": SIGNED_IN,
    "bookings:create": OWNER_PAGE,
    "bookings:detail": OWN_READ,
    "bookings:action": POST_SIGNED_IN,
    "bookings:proof_decide": OWN_WRITE,
    "bookings:work_order": OWN_READ,
    "bookings:verify": OFFICE_ACT_POST,
    "bookings:priority": OFFICE_ACT_POST,
    "bookings:assign": OFFICE_ACT_POST,
    "bookings:send_proof": OFFICE_ACT_PAGE,
    "bookings:finish_production": OFFICE_ACT_POST,
    "bookings:hand_over": OFFICE_ACT_PAGE,
    "bookings:proof_file": OWN_READ,
    "bookings:board": OFFICE_READ,
    "bookings:table": OFFICE_READ,
    "bookings:today": OFFICE_READ,
    "bookings:bulk_verify": OFFICE_ACT_POST,
    "bookings:reference_file": OWN_READ,
    "bookings:track": PUBLIC,
    "bookings:track_link": PUBLIC,
    "intake:counter": OFFICE_ACT_PAGE,
    "intake:counter_new": OFFICE_ACT_PAGE,
    "intake:receipt": OFFICE_ACT_PAGE,
    "intake:visits": OFFICE_ACT_PAGE,
    "notifications:inbox": SIGNED_IN,
    "notifications:unread": SIGNED_IN,
    "notifications:open": POST_SIGNED_IN,
    "notifications:mark_all_read": POST_SIGNED_IN,
    "notifications:whatsapp_webhook": (404,) * 6,  # only under the secret token (unset here)
    "reports:report": REPORT,
    "reports:exports_status": REPORT,
    "reports:export": (302, 403, 403, 403, 405, 405, 403),
    "reports:download": (302, 403, 403, 403, 404, 200, 403),  # the admin's own export
    "reports:survey": (302, 302, 404, 403, 403, 403, 403),  # A: not completed yet, sent back to the request
    "reports:money": MONEY_REPORT,
    "reports:money_export": MONEY_REPORT,
    "payments:quotation": OFFICE_ACT_PAGE,
    "payments:quotation_accept": POST_SIGNED_IN,
    "payments:pay": MONEY_PAGE,
    "payments:transfer": OWN_WRITE,
    "payments:qris": OWN_POST,
    "payments:refund": MONEY_PAGE,
    "payments:claim_proof": OWN_READ,
    "payments:claim_confirm": MONEY_POST,
    "payments:claim_reject": MONEY_POST,
    "payments:receipt": OWN_READ,
    "payments:reverse": MONEY_POST,
    "payments:webhook": (405,) * 7,  # gateways POST; anything else is refused
    "payments:desk": MONEY_PAGE,
    "payments:day_close": MONEY_POST,
    "payments:cash_book": MONEY_PAGE,
    "payments:quota": OWNER_PAGE,
    "materials:store": STORE_READ,
    "materials:detail": STORE_READ,
    "materials:receive": OFFICE_ACT_PAGE,
    "materials:adjust": OFFICE_ACT_PAGE,
    "outreach:trip_list": STORE_READ,
    "outreach:trip_create": OFFICE_ACT_PAGE,
    "outreach:trip_detail": STORE_READ,
    "outreach:trip_data": OFFICE_ACT_PAGE,
    "outreach:app": OFFICE_ACT_PAGE,
    "outreach:session": PUBLIC,  # says whether the session is valid; a token only to staff
    "outreach:service_worker": PUBLIC,
    "outreach:manifest": PUBLIC,
    "outreach:sync": (401, 403, 403, 405, 403, 405, 403),  # JSON: 401 asks the device to sign in again
    "set_language": (302,) * 7,
}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def world(owner, product, pouch, staff, manager, admin_user):
    from bookings.models import Service

    jpeg = lambda: clean_image(SimpleUploadedFile("a.jpg", image_bytes("JPEG"), "image/jpeg"))  # noqa: E731
    document = document_add(business=product.business, product=product, kind="pirt", number="206327101012329",
                            is_pending=False, scan=jpeg())
    photo = photos_add(product=product, photos=[jpeg()])[0]
    booking = booking_submit(actor=owner, product=product, service=Service.objects.get(slug="desain-kemasan"),
                             quantity=1, reference_files=[jpeg()])
    booking_verify(booking=booking, actor=staff)
    booking_transition(booking=booking, actor=staff, name="start_design")
    proof = proof_send(booking=booking, actor=staff, file=jpeg())
    treasurer = UserFactory(role="treasurer")
    entry = payment_services.payment_record(booking=booking, actor=treasurer, method="cash", amount=1000)
    claim = payment_services.transfer_claim_submit(booking=booking, actor=owner, amount=1000,
                                                   paid_on=datetime.date.today(), payer_name="A", proof=jpeg())
    material = Material.objects.create(name="Kertas A3", unit="sheet")
    note = Notification.objects.filter(recipient=owner, channel=Channel.IN_APP).first()
    export = ReportExport.objects.create(requested_by=admin_user, kind="report_csv", params={}, status="ready")
    export.file.save("r.csv", ContentFile(b"a,b"))
    kwargs = {
        "public_id": None, "business_id": product.business.public_id, "code": booking.code, "token": tracking_token(booking),
        "action": "cancel", "decision": "setujui", "pk": None,
    }
    objects = {
        "accounts:business_detail": product.business.public_id, "accounts:business_edit": product.business.public_id,
        "accounts:document_add": product.business.public_id, "accounts:document_delete": document.public_id,
        "accounts:document_scan": document.public_id, "products:detail": product.public_id,
        "products:edit": product.public_id, "products:photo_upload": product.public_id,
        "products:photo_delete": photo.public_id, "products:photo": photo.public_id, "products:photo_thumb": photo.public_id,
        "bookings:proof_file": proof.public_id, "bookings:reference_file": booking.reference_files.get().public_id,
        "payments:receipt": entry.public_id, "payments:reverse": entry.public_id, "payments:claim_proof": claim.public_id,
        "payments:claim_confirm": claim.public_id, "payments:claim_reject": claim.public_id,
    }
    trip = OutreachTrip.objects.create(district=product.business.district, place="Desa", starts_on="2026-12-01",
                                       ends_on="2026-12-02", target=5, created_by=staff)
    for name in ("outreach:trip_detail", "outreach:trip_data", "outreach:sync"):
        objects[name] = trip.public_id
    pks = {"notifications:open": note.pk, "reports:download": export.pk, "materials:detail": material.pk,
           "materials:receive": material.pk, "materials:adjust": material.pk}
    users = {"anonymous": None, "owner_a": owner, "owner_b": UserFactory(), "staff": staff, "manager": manager,
             "admin": admin_user, "treasurer": treasurer}
    return kwargs, objects, pks, users


def build_url(name, kwargs, objects, pks):
    from django.urls import NoReverseMatch

    for candidate in ({}, {"code": kwargs["code"]}, {"public_id": objects.get(name)}, {"business_id": kwargs["business_id"]},
                      {"token": kwargs["token"]}, {"pk": pks.get(name)}, {"uidb64": "MQ", "token": "bad-token"},
                      {"code": kwargs["code"], "action": kwargs["action"]},
                      {"code": kwargs["code"], "decision": kwargs["decision"]}, {"provider": "logging"}, {"fmt": "xlsx"}):
        try:
            return reverse(name, kwargs=candidate)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build a URL for {name}")


def test_every_url_has_a_rule():
    missing = sorted(set(url_names()) - set(RULES))
    assert missing == [], f"URLs without a permission rule: {missing}"


def test_permission_matrix(client, world):
    kwargs, objects, pks, users = world
    problems = []
    for name in url_names():
        url = build_url(name, kwargs, objects, pks)
        for role, expected in zip(ROLES, RULES[name]):
            client.logout()
            client.cookies.clear()
            if users[role] is not None:
                client.force_login(users[role])
            status = client.get(url).status_code
            if status != expected:
                problems.append(f"{role:9} GET {url} → {status}, expected {expected}")
    assert problems == [], "\n".join(problems)
