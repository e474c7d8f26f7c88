"""Where apps above bookings (payments, materials) join in, without bookings importing them.

Each registry is a list of callables that a higher app appends to in its ``AppConfig.ready``.
bookings calls them at fixed points, inside the transaction that makes the change:

- ``verify_checks(booking) -> list[str]``: problems that block verification unless staff give a reason
  to override (the service's yearly quota, for example). The reason is recorded in the event.
- ``verified(booking, actor, override_reason)``: after verification (a quotation is drafted, quota use
  recorded).
- ``production_gates(booking) -> str | None``: a reason production may not start yet (not paid enough),
  or None.
- ``entering_production(booking, actor)``: the booking is about to enter production; may raise
  ``TransitionError`` to refuse (materials short: the booking waits for materials).
- ``production_finished(booking, actor)``: materials are consumed.
- ``closed(booking, actor, status)``: the booking was cancelled or rejected (reservations released,
  refunds fall due).
- ``queue_delays(service, queued) -> dict[booking_id, int]``: extra working days before each queued
  booking can start (materials short: "menunggu bahan"); used by the queue estimate.
- ``detail_panels(request, booking) -> str``: HTML of a panel on the booking page (quotation, payments).
- ``changed(booking_ids)``: the history or a field the reports read changed for these bookings (called by
  ``bookings.events.record``, the one place history is written, after the booking row is saved); reports
  marks their roll-up dirty in the same transaction (one query) and refreshes it before it reads it.
"""
from __future__ import annotations

from collections.abc import Callable

from bookings.workflow import Action

verify_checks: list[Callable] = []
verified: list[Callable] = []
production_gates: list[Callable] = []
entering_production: list[Callable] = []
production_finished: list[Callable] = []
closed: list[Callable] = []
queue_delays: list[Callable] = []
detail_panels: list[Callable] = []
changed: list[Callable] = []

# Transitions that enter or leave production.
ENTER_PRODUCTION = frozenset({Action.START_PRODUCTION, Action.START_PRODUCTION_DIRECT})
FINISH_PRODUCTION = frozenset({Action.FINISH_PRODUCTION})
CLOSING = frozenset({Action.CANCEL, Action.CANCEL_BY_OFFICE, Action.REJECT})


def register(registry: list[Callable], function: Callable) -> Callable:
    """Append once (``ready()`` may run twice in tests)."""
    if function not in registry:
        registry.append(function)
    return function
