from django.contrib import admin

from products.models import Product, ProductPhoto


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    fields = ["public_id", "created_at"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "category", "packaging_material", "created_at"]
    list_filter = ["category", "packaging_material", "contains_pork"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
    raw_id_fields = ["business"]
    inlines = [ProductPhotoInline]
