"""Existing bookings came in online and were entered by the owner who submitted them."""
from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Booking.objects.filter(entered_by__isnull=True).update(channel="online", entered_by=F("created_by"))


class Migration(migrations.Migration):
    dependencies = [("bookings", "0009_booking_channel")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
