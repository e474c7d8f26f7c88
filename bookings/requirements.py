"""Which legality documents a service needs for a product, and which of them are missing.

``Service.required_documents`` lists groups of document kinds; one usable document of each group
is needed (``[["pirt", "md"], ["halal"]]`` = a P-IRT or an MD, and a halal certificate). Food
permits and halal concern food and beverages only; halal does not apply to products with pork.
"""
from accounts.legality import PRODUCT_KINDS, DocumentKind
from products.labels import product_documents


def applies(kind: str, product) -> bool:
    if kind in PRODUCT_KINDS and not product.is_food:
        return False
    if kind == DocumentKind.HALAL and product.contains_pork:
        return False
    return True


def missing_requirements(service, product) -> list[list[str]]:
    """Groups of kinds of which the product has no usable document (empty: all there)."""
    have = {d.kind for d in product_documents(product)}
    missing = []
    for group in service.required_groups:
        relevant = [kind for kind in group if applies(kind, product)]
        if relevant and not have.intersection(relevant):
            missing.append(relevant)
    return missing


def describe(groups: list[list[str]]) -> list[str]:
    """One line per missing group: 'SPP-IRT / P-IRT (...) / BPOM MD/ML registration'."""
    return [" / ".join(str(DocumentKind(kind).label) for kind in group) for group in groups]
