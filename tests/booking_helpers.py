"""Small helpers the booking-path tests share (services walked step by step, proofs, reloaded rows)."""
from django.core.files.uploadedfile import SimpleUploadedFile

from bookings.models import Booking, Service
from bookings.services import booking_submit
from core.uploads import clean_image
from tests.conftest import image_bytes

# Every box of the owner's approval checklist ticked (bookings.forms.ProofDecisionForm).
ALL_TICKED = {"spelling": True, "ingredients": True, "net_content": True, "permits": True, "colours": True}


def service(slug):
    return Service.objects.get(slug=slug)


def submit(owner, product, slug="kemasan-standing-pouch", quantity=200, **kwargs):
    return booking_submit(actor=owner, product=product, service=service(slug), quantity=quantity, **kwargs)


def proof_file():
    return clean_image(SimpleUploadedFile("p.png", image_bytes("PNG"), "image/png"))


def reloaded(booking):
    return Booking.objects.get(pk=booking.pk)
