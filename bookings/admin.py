from django.contrib import admin

from bookings.models import Booking, BookingEvent, Holiday, Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "fee_mode", "tariff", "unit", "minimum_order", "lead_time_days", "daily_capacity", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Status is read-only here: it changes only through the workflow (bookings.services)."""

    list_display = ["code", "business", "product", "service", "status", "quantity", "estimated_cost", "submitted_at"]
    list_filter = ["status", "service"]
    search_fields = ["code", "business__name", "product__name"]
    list_select_related = ["business", "product", "service"]
    readonly_fields = [
        "code", "business", "product", "service", "created_by", "status", "unit_price", "estimated_cost",
        "submitted_at", "verified_at", "closed_at", "queue_position", "estimated_start", "estimated_finish",
    ]
    fields = readonly_fields + ["quantity", "desired_date", "notes", "priority", "assignee"]
    raw_id_fields = ["assignee"]
    inlines = [BookingEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
