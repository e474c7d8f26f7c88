from django.contrib import admin

from materials.models import BillLine, Material, StockMove


class BillLineInline(admin.TabularInline):
    model = BillLine
    extra = 1


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "minimum_stock", "unit_cost", "restock_days", "is_active"]
    search_fields = ["name"]
    inlines = [BillLineInline]


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    """Read-only: moves are written by the store's pages and the production workflow."""

    list_display = ["material", "sequence", "kind", "quantity", "on_hand_after", "reserved_after", "booking", "created_at"]
    list_filter = ["kind", "material"]
    list_select_related = ["material", "booking"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
