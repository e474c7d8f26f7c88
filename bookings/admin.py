from django.contrib import admin

from bookings import tasks
from bookings.models import Booking, BookingEvent, Holiday, Service
from bookings.queue import schedule_recompute
from core.tasks import enqueue_after_commit


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "fee_mode", "tariff", "unit", "minimum_order", "lead_time_days", "daily_capacity", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedule_recompute(obj.pk)  # lead time and capacity move the queue's estimates


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enqueue_after_commit(tasks.recompute_all_queues)  # a holiday moves every estimate

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        enqueue_after_commit(tasks.recompute_all_queues)


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
    """Read-only: a booking changes only through bookings.services (the office pages), which keep its
    history, recompute the queue and tell the people concerned. The admin shows it and its history."""

    list_display = ["code", "business", "product", "service", "status", "quantity", "estimated_cost", "submitted_at"]
    list_filter = ["status", "service"]
    search_fields = ["code", "business__name", "product__name"]
    list_select_related = ["business", "product", "service"]
    fields = [
        "code", "business", "product", "service", "created_by", "status", "unit_price", "estimated_cost",
        "submitted_at", "verified_at", "due_date", "closed_at", "queue_position", "estimated_start",
        "estimated_finish", "quantity", "desired_date", "notes", "priority", "assignee",
    ]
    readonly_fields = fields
    inlines = [BookingEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
