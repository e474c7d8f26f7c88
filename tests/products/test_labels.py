from products.labels import label_readiness
from tests.factories import DocumentFactory, ProductFactory


def missing_keys(product):
    return {check.key for check in label_readiness(product).missing}


def test_food_product_without_permit_or_halal_is_flagged(product):
    assert missing_keys(product) == {"permit", "halal"}


def test_complete_food_product_is_ready(product):
    DocumentFactory(business=product.business, product=product, kind="pirt", number="206327101012324")
    DocumentFactory(business=product.business, product=product, kind="halal", number="", is_pending=True)
    readiness = label_readiness(product)
    assert readiness.is_ready, readiness.missing


def test_empty_food_product_lists_every_label_item(business):
    product = ProductFactory(
        business=business, ingredients="", net_content=None, net_content_unit="", shelf_life_days=None, production_code_format=""
    )
    assert missing_keys(product) == {"net_content", "ingredients", "permit", "production_code", "expiry", "halal"}


def test_pirt_number_must_fit_the_packaging_material(product):
    # 3 = carton/paper, but the product is packed in plastic (2).
    DocumentFactory(business=product.business, product=product, kind="pirt", number="306327101012324")
    readiness = label_readiness(product)
    mismatch = [c for c in readiness.checks if c.key == "pirt_material"][0]
    assert not mismatch.ok
    assert "Plastik" in str(mismatch.hint) or "Plastic" in str(mismatch.hint)


def test_expired_permit_does_not_count(product):
    import datetime

    DocumentFactory(
        business=product.business, product=product, kind="md", number="MD 123456789012",
        issued_on=datetime.date(2020, 1, 1), expires_on=datetime.date(2025, 1, 1),
    )
    assert "permit" in missing_keys(product)


def test_business_wide_permit_covers_its_products(product):
    DocumentFactory(business=product.business, product=None, kind="md", number="MD 123456789012")
    assert "permit" not in missing_keys(product)


def test_pork_product_needs_the_pork_warning_not_halal(business):
    product = ProductFactory(business=business, contains_pork=True)
    readiness = label_readiness(product)
    assert "halal" not in {c.key for c in readiness.checks}
    assert any("Babi" in str(n) for n in readiness.notices)


def test_pork_product_with_halal_certificate_is_a_conflict(business):
    product = ProductFactory(business=business, contains_pork=True)
    DocumentFactory(business=business, product=product, kind="halal", number="ID31110000123450123")
    assert "halal_conflict" in missing_keys(product)


def test_non_food_needs_only_general_items(business):
    product = ProductFactory(business=business, category="non_food", ingredients="", shelf_life_days=None)
    assert label_readiness(product).is_ready
