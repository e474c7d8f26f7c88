"""Writes to bookings. Views, forms, admin actions and commands call these; nothing else changes a booking.

Every change of status goes through ``_apply``: the row is locked, the move is checked against the
workflow table (bookings.workflow), saved with ``update_fields``, recorded as a BookingEvent and the
service's queue is recomputed after commit — all in one transaction.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import events, hooks, notices, workflow
from bookings.calendar import add_working_days, holidays_from
from bookings.models import Booking, BookingCounter, HandoverMethod, Proof, ReferenceFile, Service
from bookings.proofs import APPROVAL_CHECKLIST
from bookings.queue import schedule_recompute
from bookings.requirements import describe, missing_requirements
from bookings.tasks import make_tracking_qr
from bookings.workflow import PRINTABLE_DESIGN, Action, Status, TransitionError, WorkflowKind
from core.counters import year_counter_next
from core.tasks import enqueue_after_commit
from core.uploads import CleanFile
from products.models import Product


def format_code(year: int, number: int) -> str:
    return f"{settings.RK_CODE_PREFIX}-{year}-{number:05d}"


def allocate_code(*, year: int) -> str:
    """The next code of the year (core.counters; ``Booking.code`` is unique as the backstop).
    Call inside the submitting transaction."""
    return format_code(year, year_counter_next(BookingCounter, year=year))


def estimate_cost(*, service: Service, quantity: int) -> int:
    if quantity < service.minimum_order:
        raise ValidationError(
            {
                "quantity": _("The minimum order for %(service)s is %(minimum)d.")
                % {"service": service.name, "minimum": service.minimum_order}
            }
        )
    return service.cost_for(quantity)


def booking_submit(
    *,
    actor,
    product: Product,
    service: Service,
    quantity: int,
    desired_date: datetime.date | None = None,
    notes: str = "",
    reference_files: list[CleanFile] = (),
    channel: str = Booking.Channel.ONLINE,
    follows: Booking | None = None,
) -> Booking:
    """Create a booking in ``diajukan`` with its code, cost estimate and first event.

    ``follows``: the design-only request whose approved design this (print-only) request prints; both
    histories record the link ("design and print in one go" for a label owner).

    Online, ``actor`` is the owner. At the counter, by WhatsApp or on an outreach trip, ``actor`` is
    the staff member who enters the request on the owner's behalf: ``created_by`` stays the owner
    (the request is theirs), ``entered_by`` records the staff member and ``channel`` how it came in.
    """
    if channel not in Booking.Channel.values:
        raise ValidationError({"channel": _("Choose how the request came in.")})
    on_behalf = channel != Booking.Channel.ONLINE
    if on_behalf and not actor.acts_for_office:
        raise ValidationError({"channel": _("Only office staff enter requests on an owner's behalf.")})
    if not on_behalf and product.business.owner_id != actor.pk:
        raise ValidationError({"product": _("Choose one of your own products.")})
    if not service.is_active:
        raise ValidationError({"service": _("This service is not available at the moment.")})
    if follows is not None:
        check_print_follow_up(design=follows, product=product, service=service)
    cost = estimate_cost(service=service, quantity=quantity)
    now = timezone.now()
    today = timezone.localdate(now)
    estimated_finish = add_working_days(today, service.lead_time_days, holidays_from(today))
    with transaction.atomic():
        booking = Booking.objects.create(
            code=allocate_code(year=today.year),
            business=product.business,
            product=product,
            service=service,
            created_by_id=product.business.owner_id if on_behalf else actor.pk,
            entered_by=actor,
            channel=channel,
            quantity=quantity,
            desired_date=desired_date,
            notes=notes,
            unit_price=0 if service.fee_mode == Service.FeeMode.FREE else service.tariff,
            estimated_cost=cost,
            status=Status.SUBMITTED,
            submitted_at=now,
            estimated_finish=estimated_finish,
        )
        for clean in reference_files:
            ReferenceFile.objects.create(booking=booking, file=clean.content, original_name=clean.original_name[:150])
        events.submitted(booking, actor=actor, follows=follows.code if follows else None)
        if follows is not None:
            events.record(
                follows, action=Action.PRINT_REQUESTED, from_status=follows.status, to_status=follows.status, actor=actor,
                data={"code": booking.code},
            )
        notices.submitted(booking)
        enqueue_after_commit(make_tracking_qr, booking.pk)  # the work order draws it on demand if this is lost
    return booking




def check_print_follow_up(*, design: Booking, product: Product, service: Service) -> None:
    """A print request may follow a design-only request of the same product once its design is approved."""
    if design.service.workflow != WorkflowKind.DESIGN_ONLY or design.status not in PRINTABLE_DESIGN:
        raise ValidationError({"service": _("Only an approved design can be sent to print.")})
    if design.product_id != product.pk:
        raise ValidationError({"product": _("The print request is for the product of the design.")})
    if service.workflow != WorkflowKind.PRINT_ONLY:
        raise ValidationError({"service": _("Choose a printing service for the approved design.")})


def _locked(booking: Booking) -> Booking:
    """The booking row, locked until commit. Only that row (``of=self``): the queue recompute locks the
    service first and then its bookings, so taking the service's row here too could deadlock."""
    return Booking.objects.select_for_update(of=("self",)).select_related("service", "business").get(pk=booking.pk)


# Timestamps a transition sets when it enters a state.
_STAMPS = {Status.VERIFIED: "verified_at"}


def _apply(
    locked: Booking, name: str, *, actor, note: str = "", data: dict | None = None, extra_fields=(), recompute: bool = True
) -> Booking:
    """Check and apply one transition to a locked booking, inside the caller's transaction.

    The queue is recomputed once per transaction: a service that applies two transitions in one
    (verify, then enqueue) passes ``recompute=False`` to the first.
    """
    transition = workflow.check(
        name,
        status=locked.status,
        kind=locked.service.workflow,
        roles=workflow.roles_of(actor) if actor is not None else workflow.OFFICE,
        is_own=actor is not None and locked.business.owner_id == actor.pk,
    )
    if transition.needs_note and not note:
        raise TransitionError(_("Please fill in: %(what)s.") % {"what": transition.note_label})
    if transition.name in hooks.ENTER_PRODUCTION:
        for gate in hooks.production_gates:
            reason = gate(locked)
            if reason:
                raise TransitionError(reason)
        for reserve in hooks.entering_production:
            reserve(locked, actor)
    from_status = locked.status
    locked.status = transition.target
    fields = ["status", "updated_at", *extra_fields]
    stamp = _STAMPS.get(transition.target)
    if stamp:
        setattr(locked, stamp, timezone.now())
        fields.append(stamp)
    if transition.target in workflow.TERMINAL:
        locked.closed_at = timezone.now()
        locked.queue_position = None
        fields += ["closed_at", "queue_position"]
    locked.save(update_fields=fields)
    events.record(
        locked, action=transition.name, from_status=from_status, to_status=locked.status, actor=actor, note=note,
        data=data,
    )
    notices.transition(locked, transition=transition, actor=actor, note=note, data=data)
    if transition.name in hooks.FINISH_PRODUCTION:
        for consume in hooks.production_finished:
            consume(locked, actor)
    if transition.name in hooks.CLOSING:
        for close in hooks.closed:
            close(locked, actor, locked.status)
    if recompute:
        schedule_recompute(locked.service_id)
    return locked


def booking_transition(*, booking: Booking, actor, name: str, note: str = "") -> Booking:
    """Apply a transition that needs at most a note. Others have their own service below.

    Raises TransitionError (with a message for the person) when the move is not allowed now;
    nothing is changed then.
    """
    transition = workflow.TRANSITIONS.get(name)
    if transition is not None and transition.special:
        raise TransitionError(_("This action needs its own form."))
    with transaction.atomic():
        return _apply(_locked(booking), name, actor=actor, note=(note or "").strip())


def booking_verify(*, booking: Booking, actor, override_reason: str = "") -> Booking:
    """Verify a request and put it in its service's queue.

    The service's document rules gate this step: with documents missing, staff must give a
    reason to override, which is recorded in the event.
    """
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        locked = _locked(booking)
        product = Product.objects.prefetch_related("documents", "business__documents").get(pk=locked.product_id)
        missing = describe(missing_requirements(locked.service, product))
        if missing and not override_reason:
            raise TransitionError(
                _("Documents required by this service are missing: %(missing)s. Ask the owner to complete them, or give a reason to override.")
                % {"missing": "; ".join(missing)}
            )
        problems = [problem for check in hooks.verify_checks for problem in check(locked)]
        if problems and not override_reason:
            raise TransitionError(
                _("%(problems)s Give a reason to override.") % {"problems": " ".join(problems)}
            )
        data = {"override": override_reason, "missing": missing} if missing else {}
        if problems:
            data.update({"override": override_reason, "problems": problems})
        today = timezone.localdate()
        locked.due_date = add_working_days(today, locked.service.lead_time_days, holidays_from(today))
        note = override_reason if (missing or problems) else ""
        _apply(locked, Action.VERIFY, actor=actor, note=note, data=data, extra_fields=["due_date"],
               recompute=False)  # the enqueue below recomputes
        for after in hooks.verified:
            after(locked, actor, override_reason if (missing or problems) else "")
        _apply(locked, Action.ENQUEUE, actor=None)
    return locked


def bookings_bulk_verify(*, codes: list[str], actor) -> tuple[list[str], dict[str, str]]:
    """Verify several requests; each stands alone. Returns the codes done and the reason for the rest."""
    done, refused = [], {}
    for booking in Booking.objects.filter(code__in=codes).order_by("submitted_at"):
        try:
            booking_verify(booking=booking, actor=actor)
            done.append(booking.code)
        except TransitionError as error:
            refused[booking.code] = error.message
    return done, refused


def booking_set_priority(*, booking: Booking, actor, priority: int, reason: str) -> Booking:
    reason = (reason or "").strip()
    if not actor.acts_for_office:
        raise TransitionError(_("You are not allowed to do this."))
    if not reason:
        raise TransitionError(_("Please fill in: %(what)s.") % {"what": _("Reason for the priority")})
    with transaction.atomic():
        locked = _locked(booking)
        if locked.is_closed:
            raise TransitionError(_("This request is closed."))
        if locked.priority == priority:
            return locked
        previous = locked.priority
        locked.priority = priority
        locked.save(update_fields=["priority", "updated_at"])
        events.record(
            locked, action=Action.PRIORITY, from_status=locked.status, to_status=locked.status, actor=actor, note=reason,
            data={"from": previous, "to": priority},
        )
        schedule_recompute(locked.service_id)
    return locked


def booking_assign(*, booking: Booking, actor, assignee) -> Booking:
    """Claim a request (assignee = actor) or hand it to another staff member."""
    if not actor.acts_for_office or (assignee is not None and not assignee.acts_for_office):
        raise TransitionError(_("You are not allowed to do this."))
    with transaction.atomic():
        locked = _locked(booking)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        events.record(
            locked, action=Action.ASSIGN, from_status=locked.status, to_status=locked.status, actor=actor,
            data={"assignee": assignee.pk if assignee else None, "name": str(assignee) if assignee else ""},
        )
    return locked


def proof_send(*, booking: Booking, actor, file: CleanFile, note: str = "") -> Proof:
    """Upload a new proof version and ask the owner to approve it."""
    with transaction.atomic():
        locked = _locked(booking)
        workflow.check(Action.SEND_PROOF, status=locked.status, kind=locked.service.workflow, roles=workflow.roles_of(actor), is_own=False)
        version = (locked.proofs.aggregate(last=Max("version"))["last"] or 0) + 1
        proof = Proof.objects.create(booking=locked, version=version, file=file.content, note=(note or "").strip(), uploaded_by=actor)
        _apply(locked, Action.SEND_PROOF, actor=actor, note=proof.note, data={"proof": version})
    return proof


def _pending_proof(locked: Booking) -> Proof:
    proof = locked.proofs.filter(decision=Proof.Decision.PENDING).order_by("-version").first()
    if proof is None:
        raise TransitionError(_("There is no proof awaiting approval."))
    return proof


def proof_approve(*, booking: Booking, actor, checklist: dict[str, bool]) -> Proof:
    """The owner approves the pending proof, confirming every checklist item; the version is locked."""
    unticked = [str(label) for key, label in APPROVAL_CHECKLIST if not checklist.get(key)]
    if unticked:
        raise TransitionError(_("Please confirm every item before approving: %(items)s.") % {"items": "; ".join(unticked)})
    with transaction.atomic():
        locked = _locked(booking)
        workflow.check(Action.APPROVE, status=locked.status, kind=locked.service.workflow, roles=workflow.roles_of(actor), is_own=locked.business.owner_id == actor.pk)
        proof = _pending_proof(locked)
        proof.decision = Proof.Decision.APPROVED
        proof.decided_at = timezone.now()
        proof.decided_by = actor
        proof.checklist = {key: True for key, _label in APPROVAL_CHECKLIST}
        proof.save(update_fields=["decision", "decided_at", "decided_by", "checklist", "updated_at"])
        _apply(locked, Action.APPROVE, actor=actor, data={"proof": proof.version})
    return proof


def proof_request_revision(*, booking: Booking, actor, comment: str) -> Proof:
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _locked(booking)
        workflow.check(Action.REQUEST_REVISION, status=locked.status, kind=locked.service.workflow, roles=workflow.roles_of(actor), is_own=locked.business.owner_id == actor.pk)
        if not comment:
            raise TransitionError(_("Please fill in: %(what)s.") % {"what": _("What should change")})
        proof = _pending_proof(locked)
        proof.decision = Proof.Decision.REVISION
        proof.decided_at = timezone.now()
        proof.decided_by = actor
        proof.comment = comment
        proof.save(update_fields=["decision", "decided_at", "decided_by", "comment", "updated_at"])
        rounds = locked.proofs.filter(decision=Proof.Decision.REVISION).count()
        _apply(locked, Action.REQUEST_REVISION, actor=actor, note=comment, data={"proof": proof.version, "round": rounds})
    return proof


def booking_finish_production(*, booking: Booking, actor, quantity_produced: int) -> Booking:
    if quantity_produced is None or quantity_produced < 1:
        raise TransitionError(_("Fill in the quantity produced."))
    with transaction.atomic():
        locked = _locked(booking)
        locked.quantity_produced = quantity_produced
        return _apply(
            locked, "finish_production", actor=actor, data={"quantity_produced": quantity_produced},
            extra_fields=["quantity_produced"],
        )


def booking_hand_over(*, booking: Booking, actor, method: str, collected_by: str = "", courier_receipt: str = "") -> Booking:
    """Record who collected the goods (owner, a named proxy, or a courier with its receipt number)."""
    collected_by, courier_receipt = (collected_by or "").strip(), (courier_receipt or "").strip()
    errors = {}
    if method not in HandoverMethod.values:
        errors["method"] = _("Choose how the goods were handed over.")
    if method in (HandoverMethod.PROXY, HandoverMethod.COURIER) and not collected_by:
        errors["collected_by"] = _("Name the person or courier who collected the goods.")
    if method == HandoverMethod.COURIER and not courier_receipt:
        errors["courier_receipt"] = _("Fill in the courier's receipt number.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(booking)
        locked.handover_method = method
        locked.collected_by = collected_by or locked.business.owner_name
        locked.courier_receipt = courier_receipt if method == HandoverMethod.COURIER else ""
        locked.handed_over_at = timezone.now()
        return _apply(
            locked, "hand_over", actor=actor,
            data={"method": method, "collected_by": locked.collected_by, "courier_receipt": locked.courier_receipt},
            extra_fields=["handover_method", "collected_by", "courier_receipt", "handed_over_at"],
        )
