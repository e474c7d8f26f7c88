"""Large, realistic data sets for benchmarks and query-budget tests (``seed_demo --bookings N``).

Bookings get histories that walk their service's workflow path up to a drawn final state, with
working-hour timestamps spread over the past year. Rows are written with ``bulk_create`` in chunks,
so 100,000 bookings and their events take minutes, not hours.
"""
from __future__ import annotations

import datetime
import random
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Business, District, User
from accounts.roles import ACTING_OFFICE_ROLES, Role
from bookings.calendar import add_working_days
from bookings.models import Booking, BookingCounter, BookingEvent, Service
from bookings.queue import recompute
from bookings.workflow import PATHS, TERMINAL, TRANSITIONS, Action, Status
from products.models import Product

CHUNK = 2000
BOOKINGS_PER_BUSINESS = 8
# How far along its path a booking has got. Only recent requests can still be open: an office with
# a few designers and printers holds a few hundred open requests at most, whatever its history.
RECENT_OPEN = 400
FINAL_WEIGHTS = {"active": 40, "done": 45, "rejected": 5, "cancelled": 10}
CLOSED_WEIGHTS = {"done": 80, "rejected": 7, "cancelled": 13}


def _owners_and_products(count: int, rng: random.Random, password_hash: str, tag: str) -> list[Product]:
    owner_group = Group.objects.get(name=Role.OWNER)
    districts = list(District.objects.filter(is_active=True))
    start = User.objects.filter(username__startswith=f"{tag}-").count()
    users = User.objects.bulk_create(
        [User(username=f"{tag}-{start + i}", name=f"Pemilik {start + i}", password=password_hash) for i in range(count)]
    )
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=owner_group.pk) for u in users])
    sectors = Business.Sector.values
    businesses = Business.objects.bulk_create(
        [
            Business(
                owner=u, name=f"Usaha {u.username}", owner_name=u.name, address="Jl. Contoh No. 1",
                district=rng.choice(districts), phone=f"+62812{rng.randrange(10**7, 10**8)}",
                sector=rng.choice(sectors), scale=rng.choice(Business.Scale.values),
                owner_gender=rng.choice(["female", "male", ""]),
            )
            for u in users
        ]
    )
    return Product.objects.bulk_create(
        [
            Product(business=b, name=f"Produk {b.pk}-{j}", category=rng.choice(["food", "beverage", "non_food"]),
                    ingredients="Bahan", net_content=100, net_content_unit="g", packaging_material="2")
            for b in businesses
            for j in range(rng.randint(1, 3))
        ]
    )


def _action(current: str, following: str, kind: str) -> str:
    for transition in TRANSITIONS.values():
        if transition.target == following and transition.allows(status=current, kind=kind):
            return transition.name
    return f"to_{following}"


def _history(path: list[str], kind: str, final: str, submitted: datetime.datetime, rng: random.Random):
    """(action, from, to, time) steps walking ``path`` from submission to ``final``; a quarter of
    the design proofs get one revision round."""
    steps = [(Action.SUBMIT, "", Status.SUBMITTED, submitted)]
    when = submitted
    target_index = len(path) - 1 if final == "done" else None
    if final == "active":
        target_index = rng.randrange(0, len(path) - 1)
    elif final in ("rejected", "cancelled"):
        target_index = rng.randrange(0, min(3, len(path) - 1))

    def step(current, following):
        nonlocal when
        when = when + datetime.timedelta(hours=rng.randint(2, 70))
        steps.append((_action(current, following, kind), current, following, when))

    for current, following in zip(path[:target_index], path[1 : target_index + 1]):
        if current == Status.AWAITING_APPROVAL and rng.random() < 0.25:
            step(current, Status.REVISION)
            step(Status.REVISION, Status.AWAITING_APPROVAL)
        step(current, following)
    if final in ("rejected", "cancelled"):
        when = when + datetime.timedelta(hours=rng.randint(1, 48))
        status = Status.REJECTED if final == "rejected" else Status.CANCELLED
        steps.append((Action.REJECT if final == "rejected" else Action.CANCEL, steps[-1][2], status, when))
    return steps


def generate_bookings(total: int, *, seed: int = 2026, tag: str = "demo-owner", stdout=None) -> int:
    rng = random.Random(seed)
    services = list(Service.objects.filter(is_active=True))
    password_hash = make_password("rumahkemasan")
    products = _owners_and_products(max(1, total // BOOKINGS_PER_BUSINESS), rng, password_hash, tag)
    now = timezone.now()
    staff = list(User.objects.filter(groups__name__in=ACTING_OFFICE_ROLES).values_list("pk", flat=True))
    # Submission times, oldest first, so that only the newest RECENT_OPEN can be open.
    times = sorted((now - datetime.timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 8)) for _ in range(total)))
    numbers = Counter({c.year: c.last_number for c in BookingCounter.objects.all()})
    made = 0
    while made < total:
        size = min(CHUNK, total - made)
        bookings, histories = [], []
        for _ in range(size):
            service = rng.choice(services)
            product = rng.choice(products)
            submitted = times[made + len(bookings)]
            weights = FINAL_WEIGHTS if made + len(bookings) >= total - RECENT_OPEN else CLOSED_WEIGHTS
            final = rng.choices(list(weights), weights=list(weights.values()))[0]
            steps = _history(PATHS[service.workflow], service.workflow, final, submitted, rng)
            if steps[-1][3] > now:
                steps = [s for s in steps if s[3] <= now]
            status = steps[-1][2]
            year = timezone.localdate(submitted).year
            numbers[year] += 1
            quantity = max(service.minimum_order, rng.choice([1, 50, 100, 200, 500]))
            verified = next((s[3] for s in steps if s[2] == Status.VERIFIED), None)
            due = add_working_days(timezone.localdate(verified), service.lead_time_days, frozenset()) if verified else None
            bookings.append(
                Booking(
                    code=f"RK-{year}-{numbers[year]:05d}", business_id=product.business_id, product=product,
                    service=service, created_by_id=product.business.owner_id, quantity=quantity,
                    unit_price=service.cost_for(1), estimated_cost=service.cost_for(quantity), status=status,
                    submitted_at=submitted, verified_at=verified, due_date=due, closed_at=steps[-1][3] if status in TERMINAL else None,
                    estimated_finish=(submitted + datetime.timedelta(days=service.lead_time_days * 7 // 5)).date(),
                    quantity_produced=quantity if status == Status.DONE and service.workflow != "consultation" else None,
                    assignee_id=rng.choice(staff) if staff and status not in (Status.SUBMITTED, Status.REJECTED) else None,
                )
            )
            histories.append(steps)
        with transaction.atomic():
            Booking.objects.bulk_create(bookings, batch_size=500)
            BookingEvent.objects.bulk_create(
                [
                    BookingEvent(
                        booking=b, action=a, from_status=f, to_status=t, created_at=w, actor_id=None,
                        stage_seconds=int((w - steps[i - 1][3]).total_seconds()) if i else None,
                    )
                    for b, steps in zip(bookings, histories)
                    for i, (a, f, t, w) in enumerate(steps)
                ],
                batch_size=2000,
            )
        made += size
        if stdout:
            stdout.write(f"  {made} bookings")
    for year, number in numbers.items():
        BookingCounter.objects.update_or_create(year=year, defaults={"last_number": number})
    for service in services:
        recompute(service.pk, notify=False)
    return made
