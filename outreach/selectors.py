"""Reads of the outreach pages and of the reference data a device takes on a trip."""
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from accounts.models import Business, District
from bookings.models import Booking, BookingChannel, Service
from core.phone import local_phone
from outreach.models import OutreachRecord, OutreachTrip

SYNCED = Q(records__status=OutreachRecord.Status.SYNCED)
FAILED = Q(records__status=OutreachRecord.Status.FAILED, records__attempts__gt=0)


def trips_for_list():
    return (
        OutreachTrip.objects.select_related("district")
        .annotate(synced=Count("records", filter=SYNCED), failed=Count("records", filter=FAILED))
        .order_by("-starts_on", "-id")
    )


def trip_for_detail(public_id) -> OutreachTrip:
    qs = trips_for_list().select_related("created_by").prefetch_related("team")
    return get_object_or_404(qs, public_id=public_id)


def trip_records(trip: OutreachTrip):
    return (
        OutreachRecord.objects.filter(trip=trip, attempts__gt=0)
        .select_related("booking__service", "owner", "sent_by")
        .order_by("status", "-device_time", "-id")
    )


def trip_reference_data(trip: OutreachTrip) -> dict:
    """What the device needs offline: the services, regencies/cities, sectors and the owners already
    known in the trip's regency/city by WhatsApp number (to attach rather than duplicate)."""
    owners = {}
    for phone, owner_name, name in (
        Business.objects.filter(district=trip.district).order_by("name").values_list("phone", "owner_name", "name")
    ):
        owners.setdefault(local_phone(phone), {"owner": owner_name, "businesses": []})["businesses"].append(name)
    return {
        "trip": {
            "id": str(trip.public_id), "district": trip.district_id, "district_name": trip.district.name,
            "place": trip.place, "starts_on": trip.starts_on.isoformat(), "ends_on": trip.ends_on.isoformat(),
            "target": trip.target,
        },
        "services": [
            {"slug": s.slug, "name": s.name, "minimum": s.minimum_order}
            for s in Service.objects.filter(is_active=True).order_by("sort_order", "name")
        ],
        "districts": [{"id": d.pk, "name": d.name} for d in District.objects.filter(is_active=True)],
        "sectors": [{"value": v, "label": str(label)} for v, label in Business.Sector.choices],
        "owners": owners,
    }


def trip_for_sync(public_id) -> OutreachTrip:
    return get_object_or_404(OutreachTrip.objects.select_related("district"), public_id=public_id)


def counts_by_trip(start, end):
    """Synced outreach intake per trip whose records were synced in [start, end) (for the report)."""
    window = Q(records__status=OutreachRecord.Status.SYNCED, records__synced_at__gte=start, records__synced_at__lt=end)
    return (
        OutreachTrip.objects.select_related("district")
        .annotate(
            intakes=Count("records", filter=window & Q(records__kind=OutreachRecord.Kind.INTAKE)),
            visits=Count("records", filter=window & Q(records__kind=OutreachRecord.Kind.VISIT)),
        )
        .filter(Q(intakes__gt=0) | Q(visits__gt=0))
        .order_by("-starts_on", "-id")
    )


def channels_by_district(start, end) -> list[dict]:
    """Requests submitted in [start, end) per regency/city of the business, one column per channel
    (outreach next to online, counter and WhatsApp), plus the outreach guest-book entries. Two grouped
    queries."""
    rows = {}
    for district in District.objects.order_by("sort_order", "name").values_list("name", flat=True):
        rows[district] = {"district": district, "visits": 0, **{c: 0 for c in BookingChannel.values}}
    for item in (
        Booking.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("business__district__name", "channel").annotate(n=Count("id")).order_by()
    ):
        rows[item["business__district__name"]][item["channel"]] = item["n"]
    for item in (
        OutreachRecord.objects.filter(status=OutreachRecord.Status.SYNCED, kind=OutreachRecord.Kind.VISIT,
                                      synced_at__gte=start, synced_at__lt=end)
        .values("trip__district__name").annotate(n=Count("id")).order_by()
    ):
        rows[item["trip__district__name"]]["visits"] = item["n"]
    return [row for row in rows.values() if any(row[c] for c in (*BookingChannel.values, "visits"))]
