"""One queue recompute per transaction, however many changes in it ask for one."""
from bookings.services import booking_submit, booking_transition, booking_verify
from bookings.tasks import recompute_queue


def recomputes(callbacks) -> list:
    return [c for c in callbacks if getattr(c, "enqueue_key", (None,))[0] == recompute_queue.name]


def test_verification_schedules_one_recompute(owner, staff, product, pouch, django_capture_on_commit_callbacks):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    # when: verify, which also puts the booking in the queue (two transitions, two events)
    with django_capture_on_commit_callbacks() as callbacks:
        booking_verify(booking=booking, actor=staff, override_reason="uji")
    # then: one recompute of the pouch queue, not one per transition
    assert [c.enqueue_key for c in recomputes(callbacks)] == [(recompute_queue.name, (pouch.pk,))]


def test_verification_costs_a_fixed_number_of_queries(
    owner, staff, product, pouch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    # 22 for the verification: savepoint; the booking locked (with service and business); the product,
    # its documents, its business, the business's documents (the document gate); the service's
    # payment rule (payments' quota check, a bookings.hooks.verify_checks); holidays (due date); the
    # actor's roles; the verify update, the previous event's time, the event; the owner and the
    # in-app notice of the verification; the quotation drafted by payments (bookings.hooks.verified:
    # is there one, the latest, supersede, insert = 4); the enqueue update, the previous event's time,
    # the event; release.
    # 13 for the one recompute that follows (eager Celery): savepoint; the service locked; the history
    # sample; holidays; the queued bookings; the units in progress; old positions cleared (2 updates);
    # the queued bookings and the service's bill of materials (materials' queue_delays hook); new
    # positions written; the owner's "near the front" notice; release.
    # Before, the verify step scheduled its own recompute too: a second recompute (38 queries in all
    # before payments and materials joined, 28 after the fix).
    # 2 for the report's roll-up: each of the two events marks the booking dirty (reports.rollup.mark
    # through bookings.hooks.changed, one upsert into reports_dirtybooking); the facts are refreshed when
    # the report is read, not here. (Refreshing them in the transaction cost 14: 7 per event.)
    with django_assert_num_queries(22 + 13 + 2):
        with django_capture_on_commit_callbacks(execute=True):
            booking_verify(booking=booking, actor=staff, override_reason="uji")


def test_every_other_change_recomputes_once(owner, staff, product, pouch, django_capture_on_commit_callbacks):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    booking_verify(booking=booking, actor=staff, override_reason="uji")
    with django_capture_on_commit_callbacks() as callbacks:
        booking_transition(booking=booking, actor=staff, name="start_design")
    assert len(recomputes(callbacks)) == 1
