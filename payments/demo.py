"""Demo money for ``seed_demo``: a print job with its quotation accepted and a cash down payment."""
from payments import services
from payments.models import Quotation


def seed_payments(*, booking, treasurer) -> None:
    quotation = services.current_quotation(booking)
    if quotation is None or services.paid_total(booking):
        return
    services.quotation_accept(quotation=quotation, actor=booking.business.owner, via=Quotation.AcceptedVia.APP)
    services.payment_record(booking=booking, actor=treasurer, method="cash", amount=quotation.total // 2,
                            note="Uang muka 50%")

