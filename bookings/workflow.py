"""The booking status workflow, as data. This module is the only place that knows it.

A transition names the states it leaves from, the state it leads to, the roles that may fire it,
what it needs (a note, a proof) and the kinds of service it belongs to: print-only and
consultation-only services skip the design states by configuration (``Service.workflow``), not by
``if`` branches in views. ``bookings.services.booking_transition`` applies a transition.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import ACTING_OFFICE_ROLES, OWNER_ROLES, Role, roles_of
from notifications.models import Notification


class Status(models.TextChoices):
    SUBMITTED = "diajukan", _("Submitted")
    NEEDS_INFO = "perlu_dilengkapi", _("Needs more information")
    VERIFIED = "diverifikasi", _("Verified")
    QUEUED = "dalam_antrean", _("In the queue")
    DESIGN = "desain", _("In design")
    AWAITING_APPROVAL = "menunggu_persetujuan", _("Awaiting your approval")
    REVISION = "revisi", _("Being revised")
    APPROVED = "disetujui", _("Design approved")
    PRODUCTION = "produksi", _("In production")
    READY = "siap_diambil", _("Ready for collection")
    DONE = "selesai", _("Completed")
    REJECTED = "ditolak", _("Rejected")
    CANCELLED = "dibatalkan", _("Cancelled")


class Action(models.TextChoices):
    """What a BookingEvent records: every transition of the table below, and the changes that keep the
    status (submission, priority, assignment). Other apps that write booking events add theirs here."""

    SUBMIT = "submit", _("Submitted")
    VERIFY = "verify", _("Verify")
    REJECT = "reject", _("Reject")
    ASK_INFO = "ask_info", _("Ask for more information")
    RESUBMIT = "resubmit", _("Submit again")
    ENQUEUE = "enqueue", _("Put in the queue")
    START_DESIGN = "start_design", _("Start design")
    SEND_PROOF = "send_proof", _("Send proof")
    REQUEST_REVISION = "request_revision", _("Request a revision")
    APPROVE = "approve", _("Approve the design")
    START_PRODUCTION = "start_production", _("Start production")
    START_PRODUCTION_DIRECT = "start_production_direct", _("Start production")
    FINISH_PRODUCTION = "finish_production", _("Production finished")
    DELIVER_DESIGN = "deliver_design", _("Design delivered")
    HAND_OVER = "hand_over", _("Hand over")
    COMPLETE_CONSULTATION = "complete_consultation", _("Consultation held")
    CANCEL = "cancel", _("Cancel the request")
    CANCEL_BY_OFFICE = "cancel_by_office", _("Cancel the request")
    PRINT_REQUESTED = "print_requested", _("Print requested")
    PRIORITY = "priority", _("Priority changed")
    ASSIGN = "assign", _("Assigned")


class WorkflowKind(models.TextChoices):
    FULL = "full", _("Design, proof approval and production")
    DESIGN_ONLY = "design_only", _("Design only (no production)")
    PRINT_ONLY = "print_only", _("Production only (no design)")
    CONSULTATION = "consultation", _("Consultation only")


TERMINAL = frozenset({Status.DONE, Status.REJECTED, Status.CANCELLED})
# Work that has left the queue and takes the service's capacity until it is ready.
IN_PROGRESS = frozenset({Status.DESIGN, Status.AWAITING_APPROVAL, Status.REVISION, Status.APPROVED, Status.PRODUCTION})
# Waiting for the owner to act.
WAITING_FOR_OWNER = frozenset({Status.NEEDS_INFO, Status.AWAITING_APPROVAL, Status.READY})
# Before production an owner may still cancel; from production on only the office can.
OWNER_CANCELLABLE = frozenset(
    {
        Status.SUBMITTED,
        Status.NEEDS_INFO,
        Status.VERIFIED,
        Status.QUEUED,
        Status.DESIGN,
        Status.AWAITING_APPROVAL,
        Status.REVISION,
        Status.APPROVED,
    }
)
ACTIVE = frozenset(Status.values) - TERMINAL
# A design can be printed once it is approved (the print-ready file exists from then on).
PRINTABLE_DESIGN = frozenset({Status.APPROVED, Status.READY, Status.DONE})

# The staff board's five stages of the work, each a column of one or more states (the board fits a
# 1280 px screen without scrolling sideways; a stage with no requests takes one line).
BOARD_GROUPS = [
    (pgettext_lazy("board stage", "Incoming"), [Status.SUBMITTED, Status.NEEDS_INFO, Status.VERIFIED]),
    (pgettext_lazy("board stage", "Queue"), [Status.QUEUED]),
    (pgettext_lazy("board stage", "Design"), [Status.DESIGN, Status.AWAITING_APPROVAL, Status.REVISION]),
    (pgettext_lazy("board stage", "Production"), [Status.APPROVED, Status.PRODUCTION]),
    (pgettext_lazy("board stage", "Hand-over"), [Status.READY]),
]

# Open and in the office's hands (not waiting for the owner).
WITH_OFFICE = frozenset(ACTIVE - WAITING_FOR_OWNER)

OFFICE = ACTING_OFFICE_ROLES
OWNER = OWNER_ROLES
ALL_KINDS = frozenset(WorkflowKind.values)
WITH_DESIGN = frozenset({WorkflowKind.FULL, WorkflowKind.DESIGN_ONLY})
WITH_PRODUCTION = frozenset({WorkflowKind.FULL, WorkflowKind.PRINT_ONLY})


Kind = Notification.Kind


@dataclass(frozen=True)
class Transition:
    name: Action
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    kinds: frozenset[str] = ALL_KINDS
    needs_note: bool = False
    note_label: str = ""
    # Transitions that need more than a note have a service of their own in bookings.services
    # (a proof file, a checklist, quantities, hand-over details, the document gate).
    special: bool = False
    # Who hears of it (bookings.notices): the owner gets ``owner_hears`` unless they did it themselves;
    # staff (the assignee, else every staff member) get ``staff_hears``.
    owner_hears: Kind | None = Kind.BOOKING_STATUS
    staff_hears: Kind | None = None

    @property
    def label(self) -> str:
        return Action(self.name).label

    @property
    def is_destructive(self) -> bool:
        """Ends the request without the work (shown as a red button)."""
        return self.target in (Status.REJECTED, Status.CANCELLED)

    def allows(self, *, status: str, kind: str) -> bool:
        return status in self.sources and kind in self.kinds


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(Action.VERIFY, frozenset({Status.SUBMITTED}), Status.VERIFIED, OFFICE, special=True),
        Transition(
            Action.REJECT,
            frozenset({Status.SUBMITTED, Status.NEEDS_INFO, Status.VERIFIED}),
            Status.REJECTED,
            OFFICE,
            needs_note=True,
            note_label=_("Reason for rejection"),
        ),
        Transition(
            Action.ASK_INFO,
            frozenset({Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.DESIGN}),
            Status.NEEDS_INFO,
            OFFICE,
            needs_note=True,
            note_label=_("What is missing"),
        ),
        Transition(
            Action.RESUBMIT, frozenset({Status.NEEDS_INFO}), Status.SUBMITTED, OWNER,
            staff_hears=Kind.STAFF_DATA_COMPLETED,
        ),
        # Follows verification at once: the owner hears of the verification and of the queue position.
        Transition(Action.ENQUEUE, frozenset({Status.VERIFIED}), Status.QUEUED, OFFICE, owner_hears=None),
        Transition(Action.START_DESIGN, frozenset({Status.QUEUED}), Status.DESIGN, OFFICE, kinds=WITH_DESIGN),
        Transition(
            Action.SEND_PROOF,
            frozenset({Status.DESIGN, Status.REVISION}),
            Status.AWAITING_APPROVAL,
            OFFICE,
            kinds=WITH_DESIGN,
            special=True,
            owner_hears=Kind.PROOF_SENT,
        ),
        Transition(
            Action.REQUEST_REVISION,
            frozenset({Status.AWAITING_APPROVAL}),
            Status.REVISION,
            OWNER,
            kinds=WITH_DESIGN,
            needs_note=True,
            note_label=_("What should change"),
            special=True,
            staff_hears=Kind.STAFF_REVISION_REQUESTED,
        ),
        Transition(
            Action.APPROVE, frozenset({Status.AWAITING_APPROVAL}), Status.APPROVED, OWNER, kinds=WITH_DESIGN,
            special=True,
        ),
        Transition(
            Action.START_PRODUCTION,
            frozenset({Status.APPROVED}),
            Status.PRODUCTION,
            OFFICE,
            kinds=frozenset({WorkflowKind.FULL}),
        ),
        Transition(
            Action.START_PRODUCTION_DIRECT,
            frozenset({Status.QUEUED}),
            Status.PRODUCTION,
            OFFICE,
            kinds=frozenset({WorkflowKind.PRINT_ONLY}),
        ),
        Transition(
            Action.FINISH_PRODUCTION,
            frozenset({Status.PRODUCTION}),
            Status.READY,
            OFFICE,
            kinds=WITH_PRODUCTION,
            special=True,
        ),
        Transition(
            Action.DELIVER_DESIGN,
            frozenset({Status.APPROVED}),
            Status.READY,
            OFFICE,
            kinds=frozenset({WorkflowKind.DESIGN_ONLY}),
        ),
        Transition(Action.HAND_OVER, frozenset({Status.READY}), Status.DONE, OFFICE, special=True),
        Transition(
            Action.COMPLETE_CONSULTATION,
            frozenset({Status.QUEUED}),
            Status.DONE,
            OFFICE,
            kinds=frozenset({WorkflowKind.CONSULTATION}),
        ),
        Transition(
            Action.CANCEL,
            OWNER_CANCELLABLE,
            Status.CANCELLED,
            OWNER,
            needs_note=True,
            note_label=_("Reason for cancelling"),
        ),
        Transition(
            Action.CANCEL_BY_OFFICE,
            ACTIVE,
            Status.CANCELLED,
            OFFICE,
            needs_note=True,
            note_label=_("Reason for cancelling"),
        ),
    ]
}

# States a booking passes through, in order, for each kind of service (for timelines and reports).
PATHS: dict[str, list[str]] = {
    WorkflowKind.FULL: [
        Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.DESIGN, Status.AWAITING_APPROVAL,
        Status.APPROVED, Status.PRODUCTION, Status.READY, Status.DONE,
    ],
    WorkflowKind.DESIGN_ONLY: [
        Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.DESIGN, Status.AWAITING_APPROVAL,
        Status.APPROVED, Status.READY, Status.DONE,
    ],
    WorkflowKind.PRINT_ONLY: [
        Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.PRODUCTION, Status.READY, Status.DONE,
    ],
    WorkflowKind.CONSULTATION: [Status.SUBMITTED, Status.VERIFIED, Status.QUEUED, Status.DONE],
}


class TransitionError(Exception):
    """A transition that may not happen; ``message`` is shown to the person who tried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check(transition_name: str, *, status: str, kind: str, roles: frozenset[str], is_own: bool) -> Transition:
    """Return the transition if these roles may fire it now, else raise TransitionError.

    ``is_own`` says whether the actor owns the booking: owner transitions need it.
    """
    transition = TRANSITIONS.get(transition_name)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    if not transition.allows(status=status, kind=kind):
        raise TransitionError(
            _("This action is not possible while the request is “%(status)s”.") % {"status": Status(status).label}
        )
    may_as_owner = is_own and Role.OWNER in transition.roles and Role.OWNER in roles
    may_as_office = bool(transition.roles & roles & OFFICE)
    if not (may_as_owner or may_as_office):
        raise TransitionError(_("You are not allowed to do this."))
    return transition


def available(*, status: str, kind: str, roles: frozenset[str], is_own: bool) -> list[Transition]:
    result = []
    for name in TRANSITIONS:
        try:
            result.append(check(name, status=status, kind=kind, roles=roles, is_own=is_own))
        except TransitionError:
            continue
    return result


def path_for(kind: str) -> list[str]:
    return PATHS[kind]
