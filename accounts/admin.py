from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Business, District, LegalityDocument, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "phone", "email", "is_active", "date_joined"]
    search_fields = ["username", "name", "phone", "email"]
    list_filter = ["groups", "is_active", "is_staff"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "email", "consent_at", "consent_version")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["consent_at", "consent_version", "last_login", "date_joined"]
    # Rights that open the admin or every permission: granted by a superuser only.
    SUPERUSER_ONLY = ["is_staff", "is_superuser", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.SUPERUSER_ONLY
        return fields

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


class LegalityDocumentInline(admin.TabularInline):
    model = LegalityDocument
    extra = 0
    fields = ["kind", "product", "number", "is_pending", "issued_on", "expires_on"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "owner_name", "district", "sector", "scale", "created_at"]
    list_filter = ["district", "sector", "scale", "owner_gender"]
    search_fields = ["name", "owner_name", "nib", "phone"]
    list_select_related = ["district"]
    raw_id_fields = ["owner"]
    inlines = [LegalityDocumentInline]


@admin.register(LegalityDocument)
class LegalityDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "number", "business", "product", "is_pending", "expires_on"]
    list_filter = ["kind", "is_pending"]
    search_fields = ["number", "business__name"]
    list_select_related = ["business", "product"]
    raw_id_fields = ["business", "product"]
