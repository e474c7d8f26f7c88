"""Demo trip for ``seed_demo``: a jemput-bola trip next week, so staff can prepare a phone for it
(open the trip, let it store the forms for offline use) and try intake without signal."""
import datetime

from django.utils import timezone

from accounts.models import District
from outreach.models import OutreachTrip
from outreach.services import trip_save


def seed_trip(*, staff) -> OutreachTrip:
    existing = OutreachTrip.objects.filter(created_by=staff, place="Kecamatan Leihitu, Negeri Hila").first()
    if existing:
        return existing
    starts = timezone.localdate() + datetime.timedelta(days=7)
    trip = OutreachTrip(
        district=District.objects.get(name="Maluku Tengah"), place="Kecamatan Leihitu, Negeri Hila",
        starts_on=starts, ends_on=starts + datetime.timedelta(days=2), target=25,
        note="Jemput bola bersama Dinas Koperasi dan UKM: UMKM sagu, ikan asap dan minyak kayu putih.",
    )
    return trip_save(trip=trip, actor=staff, team=[staff])
