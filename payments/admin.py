from django.contrib import admin

from payments.models import DayClose, GatewayCharge, LedgerEntry, PaymentRule, Quotation, QuotaUse, TransferClaim, WebhookLog


@admin.register(PaymentRule)
class PaymentRuleAdmin(admin.ModelAdmin):
    list_display = ["service", "payee", "start_rule", "down_payment_percent", "subsidy_percent", "quota_units", "quota_requests"]
    list_select_related = ["service"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records are written by the services only (immutable ledger, decided proofs)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["recorded_at", "booking", "kind", "method", "amount", "receipt_number", "business_day", "recorded_by"]
    list_filter = ["kind", "method", "business_day"]
    list_select_related = ["booking", "recorded_by"]


@admin.register(Quotation)
class QuotationAdmin(ReadOnlyAdmin):
    list_display = ["booking", "version", "quantity", "total", "state", "accepted_via"]
    list_select_related = ["booking"]


@admin.register(TransferClaim)
class TransferClaimAdmin(ReadOnlyAdmin):
    list_display = ["booking", "amount", "paid_on", "state"]
    list_select_related = ["booking"]


@admin.register(GatewayCharge)
class GatewayChargeAdmin(ReadOnlyAdmin):
    list_display = ["order_id", "booking", "provider", "amount", "state", "created_at"]


@admin.register(WebhookLog)
class WebhookLogAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "verified", "outcome"]


@admin.register(DayClose)
class DayCloseAdmin(ReadOnlyAdmin):
    list_display = ["day", "closed_by", "closed_at"]


@admin.register(QuotaUse)
class QuotaUseAdmin(ReadOnlyAdmin):
    list_display = ["business", "service", "year", "units", "override_reason", "released"]
