"""Demo money for ``seed_demo``: a print job with its quotation accepted and a cash down payment."""
from bookings import services as booking_services
from bookings.models import Service
from payments import services
from payments.models import Quotation


def seed_payments(*, booking, treasurer) -> None:
    quotation = services.current_quotation(booking)
    if quotation is None or services.paid_total(booking):
        return
    services.quotation_accept(quotation=quotation, actor=booking.business.owner, via=Quotation.AcceptedVia.APP)
    services.payment_record(booking=booking, actor=treasurer, method="cash", amount=quotation.total // 2,
                            note="Uang muka 50%")


def on_demo_seeded(sender, *, users, **kwargs) -> None:
    """``core.signals.demo_data_seeded``: a sablon print job of the demo owner, verified and paid half in cash."""
    owner, staff = users["pemilik"], users["petugas"]
    product = owner.businesses.first().products.order_by("pk").last()
    job = booking_services.booking_submit(actor=owner, product=product, service=Service.objects.get(slug="sablon"),
                                          quantity=150, notes="Sablon logo di tas kain.")
    booking_services.booking_verify(booking=job, actor=staff)
    seed_payments(booking=job, treasurer=users["bendahara"])
