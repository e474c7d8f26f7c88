from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountEvent, Business, ClaimLink, District, LegalityDocument, OwnerPhone, PhoneCode, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "phone", "email", "is_claimed", "is_active", "date_joined"]
    search_fields = ["username", "name", "phone", "email"]
    list_filter = ["groups", "is_active", "is_staff", "is_claimed"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "email", "nik", "consent_at", "consent_version",
                                         "consent_recorded_by", "entered_by", "is_claimed", "claimed_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["consent_at", "consent_version", "consent_recorded_by", "entered_by", "is_claimed", "claimed_at",
                       "last_login", "date_joined"]
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
    list_display = ["name", "province", "region_code", "sort_order", "is_active"]
    list_editable = ["region_code", "sort_order", "is_active"]


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit and security rows: visible to admins, written only by the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OwnerPhone)
class OwnerPhoneAdmin(ReadOnlyAdmin):
    list_display = ["phone", "user", "created_at"]
    search_fields = ["phone", "user__name", "user__username"]
    list_select_related = ["user"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["user__name", "user__username"]
    list_select_related = ["user", "actor"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimLink)
class ClaimLinkAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "created_by"]


@admin.register(PhoneCode)
class PhoneCodeAdmin(ReadOnlyAdmin):
    list_display = ["phone", "purpose", "created_at", "expires_at", "attempts", "locked_at", "used_at"]
    list_filter = ["purpose"]
    search_fields = ["phone"]
    exclude = ["code_hash"]
