from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rumah_kemasan.views import set_language

admin.site.site_header = _("Rumah Kemasan administration")
admin.site.site_title = _("Rumah Kemasan")

urlpatterns = [
    path("", include("rumah_kemasan.pages")),
    path("", include("accounts.urls")),
    path("", include("products.urls")),
    path("", include("bookings.urls")),
    path("", include("intake.urls")),
    path("", include("payments.urls")),
    path("", include("materials.urls")),
    path("", include("notifications.urls")),
    path("", include("outreach.urls")),
    path("", include("reports.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
handler403 = "core.errors.forbidden"
