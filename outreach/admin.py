from django.contrib import admin

from outreach.models import OutreachRecord, OutreachTrip


@admin.register(OutreachTrip)
class OutreachTripAdmin(admin.ModelAdmin):
    list_display = ["district", "place", "starts_on", "ends_on", "target"]
    list_filter = ["district"]
    filter_horizontal = ["team"]


@admin.register(OutreachRecord)
class OutreachRecordAdmin(admin.ModelAdmin):
    list_display = ["client_uuid", "trip", "kind", "status", "device_time", "synced_at", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutreachRecord._meta.fields]

    def has_add_permission(self, request):
        return False
