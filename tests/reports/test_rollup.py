"""The report's roll-up (reports.rollup): the report read from the facts equals today's computation from
the bookings and events (``build(source="live")``), and the facts cannot drift from their source: every
write marks its booking (one query), the read path refreshes what is marked.

Unmarked: runs on SQLite in the first pass of `make test` and on PostgreSQL in the second.
"""
import datetime
import logging
import math

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from bookings import hooks
from bookings.demo import generate_bookings
from bookings.models import Booking, BookingEvent
from bookings.services import (
    booking_assign,
    booking_finish_production,
    booking_hand_over,
    booking_set_priority,
    booking_submit,
    booking_transition,
    booking_verify,
    proof_approve,
    proof_request_revision,
    proof_send,
)
from reports import rollup, tasks
from reports.metrics import ReportParams, build
from reports.models import BookingFact, DirtyBooking, StageFact
from tests.booking_helpers import ALL_TICKED, proof_file, service
from tests.factories import UserFactory

def same(live, facts, path="report"):
    """Equal, floats within 1e-9 (the same SQL over the same values; only summation order may differ)."""
    if isinstance(live, float) or isinstance(facts, float):
        assert live is not None and facts is not None, path
        assert math.isclose(live, facts, rel_tol=1e-9, abs_tol=1e-9), (path, live, facts)
    elif isinstance(live, dict):
        assert list(live) == list(facts), path
        for key in live:
            same(live[key], facts[key], f"{path}.{key}")
    elif isinstance(live, list):
        assert len(live) == len(facts), (path, live, facts)
        for i, (a, b) in enumerate(zip(live, facts)):
            same(a, b, f"{path}[{i}]")
    else:
        assert live == facts, (path, live, facts)


@pytest.fixture
def free_to_produce(db):
    from payments.models import PaymentRule

    # The paths alone: no down payment in the way (tests/payments covers that gate).
    PaymentRule.objects.update(payee="free", start_rule="free")


def walk_every_path(owner, staff, product, *, after_each=lambda: None):
    """Requests of each kind walked through the services; ``after_each`` runs after every step."""
    def step(function, **kwargs):
        result = function(**kwargs)
        after_each()
        return result

    other = UserFactory(role=Role.STAFF)
    # print-only, at the counter: queue, production, hand-over
    printed = step(booking_submit, actor=staff, product=product, service=service("sablon"), quantity=60, channel="counter")
    step(booking_verify, booking=printed, actor=staff, override_reason="uji")
    step(booking_assign, booking=printed, actor=staff, assignee=other)
    step(booking_set_priority, booking=printed, actor=staff, priority=2, reason="urgent")
    step(booking_transition, booking=printed, actor=staff, name="start_production_direct")
    step(booking_finish_production, booking=printed, actor=staff, quantity_produced=61)
    step(booking_hand_over, booking=printed, actor=staff, method="owner")
    # design-only: asked for information, a revision round, approval, delivery
    design = step(booking_submit, actor=owner, product=product, service=service("desain-kemasan"), quantity=1)
    step(booking_transition, booking=design, actor=staff, name="ask_info", note="Lengkapi")
    step(booking_transition, booking=design, actor=owner, name="resubmit")
    step(booking_verify, booking=design, actor=staff, override_reason="uji")
    step(booking_assign, booking=design, actor=staff, assignee=staff)
    step(booking_transition, booking=design, actor=staff, name="start_design")
    step(proof_send, booking=design, actor=staff, file=proof_file())
    step(proof_request_revision, booking=design, actor=owner, comment="Warna")
    step(proof_send, booking=design, actor=staff, file=proof_file())
    step(proof_approve, booking=design, actor=owner, checklist=dict(ALL_TICKED))
    step(booking_transition, booking=design, actor=staff, name="deliver_design")
    step(booking_hand_over, booking=design, actor=staff, method="owner")
    # a print that follows the approved design (an event on the design too)
    follow = step(booking_submit, actor=owner, product=product, service=service("sablon"), quantity=60,
                  follows=Booking.objects.get(pk=design.pk))
    step(booking_transition, booking=follow, actor=owner, name="cancel", note="Tidak jadi")
    # consultation, rejection, cancellation by the office
    consult = step(booking_submit, actor=staff, product=product, service=service("konsultasi-kemasan"), quantity=1, channel="whatsapp")
    step(booking_verify, booking=consult, actor=staff, override_reason="uji")
    step(booking_transition, booking=consult, actor=staff, name="complete_consultation")
    rejected = step(booking_submit, actor=owner, product=product, service=service("sablon"), quantity=50)
    step(booking_transition, booking=rejected, actor=staff, name="reject", note="Tidak lengkap")
    cancelled = step(booking_submit, actor=staff, product=product, service=service("sablon"), quantity=50, channel="outreach")
    step(booking_verify, booking=cancelled, actor=staff, override_reason="uji")
    step(booking_transition, booking=cancelled, actor=staff, name="cancel_by_office", note="Dobel")
    return [printed, design, follow, consult, rejected, cancelled]


# --- the facts follow the source ----------------------------------------------------------------------


def test_facts_equal_the_source_after_every_step_of_every_path(owner, staff, product, free_to_produce):
    def after_each():
        # The step marked what it changed (the source now differs only where marked) …
        marked = set(DirtyBooking.objects.values_list("booking_id", flat=True))
        assert marked and rollup.differences() <= marked
        # … and the read path's refresh makes the facts equal to the source and clears the marks.
        assert rollup.refresh_dirty() == len(marked)
        assert rollup.differences() == set() and not DirtyBooking.objects.exists()

    walked = walk_every_path(owner, staff, product, after_each=after_each)
    done = BookingFact.objects.filter(status="selesai")
    assert set(done.values_list("booking_id", flat=True)) == {walked[0].pk, walked[1].pk, walked[3].pk}
    design = BookingFact.objects.get(booking_id=walked[1].pk)
    assert design.revisions == 1 and design.assignee_id == staff.pk
    printed = BookingFact.objects.get(booking_id=walked[0].pk)
    assert (printed.channel, printed.quantity_produced, printed.lead_days is not None) == ("counter", 61, True)
    # Every stage time of a completed request, and nothing of the others.
    expected = BookingEvent.objects.filter(booking__status="selesai", stage_seconds__isnull=False).count()
    assert StageFact.objects.count() == expected > 0


def test_the_report_refreshes_the_marked_facts_before_it_reads_them(owner, staff, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.refresh_dirty()
    booking_verify(booking=booking, actor=staff, override_reason="uji")
    assert set(DirtyBooking.objects.values_list("booking_id", flat=True)) == {booking.pk}
    assert BookingFact.objects.get(booking_id=booking.pk).verified_at is None  # stale until read
    today = timezone.localdate()
    report = build(ReportParams(start=today, end=today))  # the page's and the exports' read path
    assert report["summary"]["verified"] == 1
    assert not DirtyBooking.objects.exists() and rollup.differences() == set()


def test_every_write_path_fires_the_hook(owner, staff, product, free_to_produce, monkeypatch):
    heard = []
    monkeypatch.setattr(hooks, "changed", [*hooks.changed, heard.extend])
    events = []

    def after_each():
        # every step wrote at least one event, and the hook heard each of them
        count = BookingEvent.objects.count()
        events.append(count)
        assert len(heard) == count

    walked = walk_every_path(owner, staff, product, after_each=after_each)
    assert len(events) == 29 and events == sorted(set(events))  # each step wrote something
    assert set(heard) == {b.pk for b in walked}
    assert rollup.mark in hooks.changed  # filled by ReportsConfig.ready


def _queries(function, **kwargs) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return [q["sql"] for q in captured.captured_queries]


def test_a_booking_write_costs_one_query_for_the_roll_up(owner, staff, product, monkeypatch):
    def submit():
        return booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)

    def reject(booking):  # a fresh actor each time: no roles cached on the instance
        actor = type(staff).objects.get(pk=staff.pk)
        return _queries(booking_transition, booking=booking, actor=actor, name="reject", note="Tidak lengkap")

    first, second = submit(), submit()
    with_mark = reject(first)
    monkeypatch.setattr(hooks, "changed", [h for h in hooks.changed if h is not rollup.mark])
    without = reject(second)
    # One transition, one event: exactly one more query, the mark (an upsert into reports_dirtybooking).
    assert len(with_mark) == len(without) + 1
    extra = [q for q in with_mark if DirtyBooking._meta.db_table in q]
    assert len(extra) == 1 and extra[0].startswith("INSERT") and "ON CONFLICT" in extra[0]
    assert not any("reports_bookingfact" in q or "reports_stagefact" in q for q in with_mark)


def test_a_mark_rolls_back_with_its_transaction(owner, staff, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.refresh_dirty()
    with pytest.raises(RuntimeError), transaction.atomic():
        booking_verify(booking=booking, actor=staff, override_reason="uji")
        assert DirtyBooking.objects.filter(booking_id=booking.pk).exists()
        raise RuntimeError("the change fails after it marked")
    assert not DirtyBooking.objects.exists() and rollup.differences() == set()


def test_marking_twice_keeps_one_mark(owner, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.mark([booking.pk, booking.pk])
    rollup.mark([booking.pk])
    assert list(DirtyBooking.objects.values_list("booking_id", flat=True)) == [booking.pk]


def test_refresh_costs_the_same_queries_for_any_number_of_bookings(owner, staff, product, django_assert_num_queries):
    bookings = [booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50) for _ in range(3)]
    rollup.refresh_dirty()
    # take the marks (SELECT … FOR UPDATE SKIP LOCKED), delete the bookings' facts and stage facts, insert
    # both again, delete the marks taken (6), inside a savepoint (+2)
    rollup.mark([bookings[0].pk])
    with django_assert_num_queries(8):
        assert rollup.refresh_dirty() == 1
    rollup.mark([b.pk for b in bookings])
    with django_assert_num_queries(8):
        assert rollup.refresh_dirty() == 3
    # nothing marked: the read path pays one query (and the savepoint)
    with django_assert_num_queries(3):
        assert rollup.refresh_dirty() == 0
    assert rollup.differences() == set()


def test_a_mark_of_a_deleted_booking_refreshes_to_nothing(owner, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.refresh_dirty()
    rollup.mark([booking.pk])
    booking.delete()
    assert rollup.refresh_dirty() == 1
    assert not BookingFact.objects.exists() and not DirtyBooking.objects.exists()


def test_deleting_a_booking_deletes_its_facts(owner, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.refresh_dirty()
    assert BookingFact.objects.filter(booking_id=booking.pk).exists()
    booking.delete()
    assert not BookingFact.objects.exists() and rollup.differences() == set()


def test_the_nightly_check_repairs_and_logs_what_bypassed_the_services(owner, staff, product, caplog):
    kept = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    changed = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    booking_verify(booking=changed, actor=staff, override_reason="uji")
    rollup.refresh_dirty()  # the minute's refresh ran
    # A shell or a script writes past the services: a status, a lost fact, a stale stage row.
    Booking.objects.filter(pk=changed.pk).update(status="selesai", closed_at=timezone.now())
    BookingFact.objects.filter(booking_id=kept.pk).delete()
    with caplog.at_level(logging.WARNING, logger="reports.rollup"):
        assert tasks.check_report_facts() == 2
    assert "2 booking(s)" in caplog.text
    assert rollup.differences() == set()
    assert BookingFact.objects.get(booking_id=changed.pk).status == "selesai"
    assert StageFact.objects.filter(booking_id=changed.pk).count() == 2  # verify and enqueue (submit has no stage time)
    assert tasks.check_report_facts() == 0


def test_rebuild_command_recomputes_every_fact(owner, product):
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    BookingFact.objects.all().delete()
    call_command("rebuild_report_facts")
    assert list(BookingFact.objects.values_list("booking_id", flat=True)) == [booking.pk]
    assert not DirtyBooking.objects.exists()  # the rebuild cleared the marks it covered
    call_command("rebuild_report_facts", "--check")
    assert rollup.differences() == set()


def test_migrate_builds_the_facts_a_database_does_not_have_yet(owner, product):
    """An upgrade to the version with the roll-up (or a migration that emptied the facts): `migrate`
    builds them with the current code; with facts present it leaves them alone."""
    booking = booking_submit(actor=owner, product=product, service=service("sablon"), quantity=50)
    rollup.refresh_dirty()
    BookingFact.objects.all().delete()
    StageFact.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert list(BookingFact.objects.values_list("booking_id", flat=True)) == [booking.pk]
    assert rollup.differences() == set()
    assert rollup.build_missing() is False  # facts exist: nothing rebuilt


# --- known answers: the report from the facts equals today's computation ---------------------------------


@pytest.fixture
def varied(db, owner, staff, product, free_to_produce):
    """A few hundred generated requests over the past year (written in bulk, so the facts are rebuilt, as
    seed_demo does), plus requests walked through the services today: marked, and left for the report's
    read path to refresh."""
    UserFactory(role=Role.STAFF)
    generate_bookings(300, seed=7)
    rollup.rebuild()
    walked = walk_every_path(owner, staff, product)
    assert set(DirtyBooking.objects.values_list("booking_id", flat=True)) == {b.pk for b in walked}


def periods():
    today = timezone.localdate()
    year = today - datetime.timedelta(days=365)
    return [
        (year, today),  # the past year: the benchmark's report
        (today - datetime.timedelta(days=90), today - datetime.timedelta(days=30)),
        (today, today),  # the walked requests
        (today - datetime.timedelta(days=200), today - datetime.timedelta(days=200)),  # one day
        (today + datetime.timedelta(days=10), today + datetime.timedelta(days=40)),  # empty: the future
        (year - datetime.timedelta(days=400), year - datetime.timedelta(days=300)),  # empty: before any data
    ]


def test_the_report_from_the_facts_equals_the_live_computation(varied, staff):
    busiest = Booking.objects.filter(status="selesai").values_list("service_id", flat=True).first()
    district = Booking.objects.values_list("business__district_id", flat=True).order_by("id").first()
    assignee = Booking.objects.filter(assignee__isnull=False).values_list("assignee_id", flat=True).first()
    filters = [{}, {"service_id": busiest}, {"district_id": district}, {"staff_id": assignee}, {"staff_id": staff.pk},
               {"channel": "counter"}, {"channel": "online", "service_id": busiest}]
    compared = 0
    for start, end in periods():
        for extra in filters:
            params = ReportParams(start=start, end=end, **extra)
            live, facts = build(params, source="live"), build(params, source="facts")  # facts: refreshed on read
            same(live, facts, f"{start}..{end} {extra}")
            compared += 1
    year = build(ReportParams(start=periods()[0][0], end=periods()[0][1]), source="facts")
    # The comparison is not vacuous: the year has completed requests, stages, breakdowns and percentiles.
    assert year["summary"]["completed"] > 100 and year["summary"]["lead_p90"] is not None
    assert len(year["stages"]) >= 5 and all(row["p50"] is not None for row in year["stages"])
    assert len(year["breakdowns"]["service"]) >= 3 and year["summary"]["revisions"] > 0
    assert compared == 42
