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


# What a generated data set looks like: the businesses and products of a Maluku house.
FIRST_NAMES = {
    "female": ["Ina", "Maria", "Yohana", "Fatima", "Siti", "Nona", "Salma", "Elisabeth", "Hadija", "Ruth", "Wa Ode",
               "Agustina", "Nurlela", "Costantina", "Marlin", "Sarah", "Rosalina", "Jumiati"],
    "male": ["Agus", "Yosef", "Abdul", "Rafael", "Hendrik", "Ahmad", "Semuel", "Ongen", "Ismail", "Frans", "Rudi",
             "Yakobus", "Hasan", "Piter", "La Ode", "Marthen", "Usman", "Johanis"],
}
SURNAMES = ["Latuconsina", "Pattiasina", "Tuhumury", "Matulessy", "Sahetapy", "Wattimena", "Leiwakabessy", "Pelupessy",
            "Ohorella", "Rumakey", "Tehupeiory", "Soplanit", "Sopacua", "Lestaluhu", "Tuasikal", "Renwarin", "Rahakbauw",
            "Ngabalin", "Letsoin", "Tanamal", "Marasabessy", "Ralahalu", "Hatala", "Kaya", "Wakano", "Slarmanat"]
STREETS = ["Jl. Sultan Hairun", "Jl. Pattimura", "Jl. Diponegoro", "Jl. Dr. Siwabessy", "Jl. Kapitan Jonker",
           "Jl. Sam Ratulangi", "Jl. Rijali", "Jl. Pahlawan Revolusi", "Jl. Trikora", "Jl. Said Perintah", "Jl. Wolter Monginsidi"]
# (sector, product category, business word, products: (name, net content, unit, ingredients))
TRADES = [
    ("food", "food", "Dapur", [("Keripik Pala", 100, "g", "Daging buah pala, gula pasir, garam"),
                               ("Sagu Lempeng", 250, "g", "Tepung sagu, kenari, gula aren"),
                               ("Bagea Kenari", 200, "g", "Tepung sagu, kenari, gula pasir, cengkih"),
                               ("Manisan Pala", 150, "g", "Daging buah pala, gula pasir"),
                               ("Kacang Botol Kenari", 250, "g", "Kenari, gula pasir, tepung terigu"),
                               ("Sambal Roa", 150, "g", "Ikan roa asap, cabai, bawang merah, minyak kelapa")]),
    ("fishery", "food", "Usaha", [("Ikan Asap Cakalang", 500, "g", "Ikan cakalang, garam"),
                                  ("Abon Ikan Tuna", 100, "g", "Ikan tuna, santan, bawang, gula aren"),
                                  ("Ikan Teri Kering", 250, "g", "Ikan teri, garam"),
                                  ("Rumput Laut Kering", 200, "g", "Rumput laut Eucheuma")]),
    ("beverage", "beverage", "Kedai", [("Kopi Rempah Banda", 200, "g", "Kopi robusta, pala, cengkih, kayu manis"),
                                       ("Sirup Pala", 500, "ml", "Sari buah pala, gula pasir, air"),
                                       ("Minuman Jahe Merah", 250, "g", "Jahe merah, gula aren, serai")]),
    ("herbal", "herbal", "Rumah Herbal", [("Minyak Kayu Putih Buru", 60, "ml", "Minyak daun kayu putih"),
                                          ("Minyak Cengkih", 30, "ml", "Minyak daun cengkih"),
                                          ("Sabun Sereh Wangi", 100, "g", "Minyak kelapa, minyak sereh wangi")]),
    ("craft", "non_food", "Sanggar", [("Tenun Ikat Tanimbar", 1, "pcs", "Benang katun, pewarna alam"),
                                      ("Anyaman Pandan Kei", 1, "pcs", "Daun pandan"),
                                      ("Kerajinan Kerang Mutiara", 1, "pcs", "Kulit kerang mutiara")]),
]
# Quantities an owner asks for, per service unit: one session or one design; pieces in print runs.
QUANTITIES = {"session": [1], "design": [1], "sheet": [10, 20, 50], "piece": [50, 100, 150, 200, 250, 300, 500, 1000]}
# How often each service is asked for (by slug; others weigh 1): consultations and labels most.
SERVICE_WEIGHTS = {"konsultasi-kemasan": 5, "desain-label-merek": 4, "cetak-label-stiker": 4, "desain-kemasan": 2,
                   "kemasan-standing-pouch": 3, "kemasan-kotak-karton": 1, "sablon": 2}


def quantity_for(service: Service, rng: random.Random) -> int:
    """A quantity that fits the service's unit and minimum order."""
    choices = [q for q in QUANTITIES.get(service.unit, [1]) if q >= service.minimum_order] or [service.minimum_order]
    return rng.choice(choices)


def _owners_and_products(count: int, rng: random.Random, password_hash: str, tag: str) -> list[Product]:
    owner_group = Group.objects.get(name=Role.OWNER)
    districts = list(District.objects.filter(is_active=True))
    start = User.objects.filter(username__startswith=f"{tag}-").count()
    genders = [rng.choice(["female", "female", "male"]) for _ in range(count)]
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}-{start + i}", name=f"{rng.choice(FIRST_NAMES[genders[i]])} {rng.choice(SURNAMES)}",
                 password=password_hash)
            for i in range(count)
        ]
    )
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=owner_group.pk) for u in users])
    trades = [rng.choice(TRADES) for _ in users]
    businesses = Business.objects.bulk_create(
        [
            Business(
                owner=u, owner_name=u.name, district=rng.choice(districts), phone=f"+62812{rng.randrange(10**7, 10**8)}",
                name=_business_name(trade, u.name, rng), address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}",
                sector=trade[0], scale=rng.choices(Business.Scale.values, weights=[80, 17, 3])[0],
                owner_gender=gender if rng.random() < 0.95 else "",
            )
            for u, trade, gender in zip(users, trades, genders)
        ]
    )
    return Product.objects.bulk_create(
        [
            Product(business=b, name=name, category=trade[1], ingredients=ingredients, net_content=net,
                    net_content_unit=unit, packaging_material="2")
            for b, trade in zip(businesses, trades)
            for name, net, unit, ingredients in rng.sample(trade[3], k=min(len(trade[3]), rng.randint(1, 3)))
        ]
    )


def _business_name(trade, owner_name: str, rng: random.Random) -> str:
    first, _space, surname = owner_name.partition(" ")
    product = rng.choice(trade[3])[0]
    return rng.choice([
        f"{product} Mama {first}" if trade[0] != "craft" else f"{trade[2]} {surname}",
        f"{trade[2]} {surname}",
        f"UD {product.split()[0]} {surname}",
        f"{product} {surname}",
    ])


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
        # Verified requests join the queue at once: "verified" is never where a request rests.
        resting = [i for i, status in enumerate(path[:-1]) if status != Status.VERIFIED]
        target_index = rng.choice(resting)
    elif final == "rejected":
        target_index = 0  # the office rejects at verification
    elif final == "cancelled":
        target_index = rng.choice([i for i in range(min(4, len(path) - 1)) if path[i] != Status.VERIFIED])

    def step(current, following):
        nonlocal when
        when = when + datetime.timedelta(hours=rng.randint(2, 70))
        steps.append((_action(current, following, kind), current, following, when))

    for current, following in zip(path[:target_index], path[1 : target_index + 1]):
        if current == Status.AWAITING_APPROVAL and rng.random() < 0.25:
            step(current, Status.REVISION)
            step(Status.REVISION, Status.AWAITING_APPROVAL)
        if current == Status.SUBMITTED and rng.random() < 0.08:
            step(current, Status.NEEDS_INFO)
            step(Status.NEEDS_INFO, Status.SUBMITTED)
        if current == Status.VERIFIED:  # queued in the same moment
            steps.append((_action(current, following, kind), current, following, when))
            continue
        step(current, following)
    if final == "active" and steps[-1][2] == Status.SUBMITTED and len(steps) == 1 and rng.random() < 0.15:
        step(Status.SUBMITTED, Status.NEEDS_INFO)  # some wait for the owner to complete their data
    if final in ("rejected", "cancelled"):
        when = when + datetime.timedelta(hours=rng.randint(1, 48))
        status = Status.REJECTED if final == "rejected" else Status.CANCELLED
        steps.append((Action.REJECT if final == "rejected" else Action.CANCEL, steps[-1][2], status, when))
    return steps


def generate_bookings(total: int, *, seed: int = 2026, tag: str = "demo-owner", stdout=None) -> int:
    rng = random.Random(seed)
    services = list(Service.objects.filter(is_active=True))
    weights_by_service = [SERVICE_WEIGHTS.get(s.slug, 1) for s in services]
    recent_open = min(RECENT_OPEN, max(40, total // 6))  # a small set still has most requests closed
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
            service = rng.choices(services, weights=weights_by_service)[0]
            product = rng.choice(products)
            submitted = times[made + len(bookings)]
            weights_ = FINAL_WEIGHTS if made + len(bookings) >= total - recent_open else CLOSED_WEIGHTS
            final = rng.choices(list(weights_), weights=list(weights_.values()))[0]
            steps = _history(PATHS[service.workflow], service.workflow, final, submitted, rng)
            if steps[-1][3] > now:
                steps = [s for s in steps if s[3] <= now]
            status = steps[-1][2]
            year = timezone.localdate(submitted).year
            numbers[year] += 1
            quantity = quantity_for(service, rng)
            verified = next((s[3] for s in steps if s[2] == Status.VERIFIED), None)
            due = add_working_days(timezone.localdate(verified), service.lead_time_days, frozenset()) if verified else None
            bookings.append(
                Booking(
                    code=f"RK-{year}-{numbers[year]:05d}", business_id=product.business_id, product=product,
                    service=service, created_by_id=product.business.owner_id, quantity=quantity,
                    unit_price=service.cost_for(1), estimated_cost=service.cost_for(quantity), status=status,
                    submitted_at=submitted, verified_at=verified, due_date=due, closed_at=steps[-1][3] if status in TERMINAL else None,
                    estimated_finish=(submitted + datetime.timedelta(days=service.lead_time_days * 7 // 5)).date(),
                    quantity_produced=(quantity if service.unit != "piece" else quantity + rng.choice([0, 0, 0, 5, 10]))
                    if status in (Status.READY, Status.DONE) and service.workflow in ("full", "print_only") else None,
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
