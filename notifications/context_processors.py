from django.utils.functional import SimpleLazyObject

from notifications.models import Channel, Notification


def inbox(request):
    """Unread in-app notifications of the signed-in person, for the navbar (one count query, lazily)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}

    def unread():
        return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
