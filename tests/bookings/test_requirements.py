"""Which documents a service asks of a product: food permits and halal for food only, no halal with pork."""
import pytest

from bookings.models import Service
from bookings.requirements import applies, describe, missing_requirements
from products.models import Product
from tests.factories import DocumentFactory, ProductFactory


@pytest.fixture
def pouch_rules(db):
    service = Service.objects.get(slug="kemasan-standing-pouch")
    assert service.required_groups == [["pirt", "md"], ["halal"]]
    return service


def test_a_food_product_needs_a_food_permit_and_halal(pouch_rules):
    product = ProductFactory(category=Product.Category.FOOD)
    assert missing_requirements(pouch_rules, product) == [["pirt", "md"], ["halal"]]


def test_a_beverage_is_food_too(pouch_rules):
    product = ProductFactory(category=Product.Category.BEVERAGE)
    assert missing_requirements(pouch_rules, product) == [["pirt", "md"], ["halal"]]


def test_a_product_with_pork_needs_no_halal_but_still_a_permit(pouch_rules):
    product = ProductFactory(category=Product.Category.FOOD, contains_pork=True)
    assert missing_requirements(pouch_rules, product) == [["pirt", "md"]]
    assert not applies("halal", product) and applies("pirt", product) and applies("nib", product)


def test_a_non_food_product_needs_neither(pouch_rules):
    non_food = [c for c in Product.Category.values if c not in ("food", "beverage")][0]
    product = ProductFactory(category=non_food)
    assert missing_requirements(pouch_rules, product) == []
    assert not applies("pirt", product) and not applies("halal", product) and not applies("md", product)
    assert applies("nib", product) and applies("merek", product)


def test_one_document_of_each_group_is_enough(pouch_rules):
    product = ProductFactory(category=Product.Category.FOOD)
    DocumentFactory(business=product.business, product=product, kind="md", number="MD 123456789012")
    assert missing_requirements(pouch_rules, product) == [["halal"]]
    DocumentFactory(business=product.business, product=None, kind="halal", number="ID31110000123450123")
    assert missing_requirements(pouch_rules, product) == []


def test_business_wide_rules_apply_to_any_product(db):
    label = Service.objects.get(slug="desain-label-merek")
    product = ProductFactory(category=[c for c in Product.Category.values if c not in ("food", "beverage")][0])
    assert missing_requirements(label, product) == [["merek"]]


def test_describe_names_each_missing_group():
    from django.utils import translation

    with translation.override("en"):
        assert describe([["pirt", "md"], ["halal"]]) == [
            "SPP-IRT / P-IRT (home industry food permit) / BPOM MD/ML registration",
            "Halal certificate",
        ]
    assert describe([]) == []
