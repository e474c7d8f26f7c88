from django.contrib import admin

from intake.models import Intake, Visit


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["booking", "channel", "staff", "created_owner", "created_at"]
    list_filter = ["channel", "created_owner"]
    list_select_related = ["booking", "staff"]
    readonly_fields = ["client_uuid", "booking", "channel", "staff", "created_owner"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_at", "name", "purpose", "district", "gender", "is_first_visit", "staff", "booking"]
    list_filter = ["purpose", "district", "gender", "is_first_visit", "channel"]
    search_fields = ["name", "phone"]
    list_select_related = ["district", "staff", "booking"]
    raw_id_fields = ["owner", "booking"]
    readonly_fields = ["client_uuid", "is_first_visit", "staff"]
