"""The outbox stops knowing bookings: ``booking`` (a foreign key to bookings.Booking) becomes a
generic subject, ``about_type`` + ``about_id``. Existing rows keep what they were about."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def booking_to_about(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not Notification.objects.filter(booking__isnull=False).exists():
        return
    booking_type, _ = ContentType.objects.get_or_create(app_label="bookings", model="booking")
    Notification.objects.filter(booking__isnull=False).update(about_type=booking_type, about_id=F("booking_id"))
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks now: PostgreSQL refuses the ALTER TABLE below while
        # trigger events are pending in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def about_to_booking(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    booking_type = ContentType.objects.filter(app_label="bookings", model="booking").first()
    if booking_type:
        Notification.objects.filter(about_type=booking_type).update(booking_id=F("about_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0003_notification_kind_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='about_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='about (id)'),
        ),
        migrations.AddField(
            model_name='notification',
            name='about_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='about (type)'),
        ),
        migrations.RunPython(booking_to_about, about_to_booking, elidable=True),
        migrations.RemoveField(
            model_name='notification',
            name='booking',
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['about_type', 'about_id'], name='notification_about'),
        ),
    ]
