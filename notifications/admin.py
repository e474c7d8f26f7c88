from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: failed messages show here with their last error."""

    list_display = ["created_at", "recipient", "channel", "kind", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient__username", "recipient__name", "subject"]  # subjects carry the request code
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description="error")
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    def has_add_permission(self, request):
        return False
