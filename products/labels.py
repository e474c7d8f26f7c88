"""Label readiness: what a product record still lacks for a legal food label.

BPOM regulation 31/2018 on processed food labels asks for: product name, list of ingredients,
net content, name and address of the producer, the permit number (SPP-IRT/P-IRT or BPOM MD),
the halal logo where certified (halal certification is mandatory for food sold in Indonesia unless
the product is not halal), a production code and the expiry date. Products that contain pork must
carry the words "Mengandung Babi" with a red box. Non-food products need only the general items.

``label_readiness`` reads the product, its business and documents already loaded (see
products.selectors.product_for_user), so it makes no query of its own once those are prefetched.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.legality import FOOD_PERMIT_KINDS, DocumentKind, PackagingMaterial, pirt_material


@dataclass(frozen=True)
class LabelCheck:
    key: str
    label: str
    ok: bool
    hint: str = ""


@dataclass(frozen=True)
class LabelReadiness:
    checks: list[LabelCheck]
    notices: list[str]

    @property
    def missing(self) -> list[LabelCheck]:
        return [c for c in self.checks if not c.ok]

    @property
    def is_ready(self) -> bool:
        return not self.missing


def product_documents(product) -> list:
    """Usable documents that cover the product: its own, and the business's that name no product."""
    own = list(product.documents.all())
    shared = [d for d in product.business.documents.all() if d.product_id is None]
    return [d for d in own + shared if d.is_usable]


def label_readiness(product) -> LabelReadiness:
    business = product.business
    documents = product_documents(product)
    kinds = {d.kind for d in documents}
    checks = [
        LabelCheck("name", _("Product name"), bool(product.name)),
        LabelCheck(
            "net_content",
            _("Net content"),
            bool(product.net_content and product.net_content_unit),
            _("Fill in the net weight or volume and its unit."),
        ),
        LabelCheck(
            "producer",
            _("Producer name and address"),
            bool(business.name and business.address),
            _("Complete the business name and address."),
        ),
    ]
    notices: list[str] = []
    if not product.is_food:
        return LabelReadiness(checks=checks, notices=notices)

    checks += [
        LabelCheck(
            "ingredients",
            _("List of ingredients"),
            bool(product.ingredients.strip()),
            _("List the ingredients, the largest first."),
        ),
        LabelCheck(
            "permit",
            _("Permit number (P-IRT or BPOM MD)"),
            bool(kinds & FOOD_PERMIT_KINDS),
            _("Add a valid P-IRT or BPOM MD document."),
        ),
        LabelCheck(
            "production_code",
            _("Production code"),
            bool(product.production_code_format),
            _("Say how each batch is coded, e.g. P-DDMMYY."),
        ),
        LabelCheck(
            "expiry",
            _("Expiry date"),
            bool(product.shelf_life_days),
            _("Fill in the shelf life so the expiry date can be printed."),
        ),
    ]
    if product.contains_pork:
        notices.append(_('The label must show "Mengandung Babi" (contains pork) in a red box, with a picture of a pig.'))
        if DocumentKind.HALAL in kinds:
            checks.append(
                LabelCheck(
                    "halal_conflict",
                    _("Halal status"),
                    False,
                    _("A product that contains pork cannot carry a halal certificate; check the data."),
                )
            )
    else:
        checks.append(
            LabelCheck(
                "halal",
                _("Halal certificate (or self-declare in progress)"),
                DocumentKind.HALAL in kinds,
                _("Add the halal certificate, or record that the self-declare application is in progress."),
            )
        )

    pirt_numbers = [d.number for d in documents if d.kind == DocumentKind.PIRT]
    if pirt_numbers and product.packaging_material:
        material = pirt_material(pirt_numbers[0])
        fits = material == product.packaging_material
        checks.append(
            LabelCheck(
                "pirt_material",
                _("P-IRT number fits the packaging material"),
                fits,
                ""
                if fits
                else _("The P-IRT number names %(named)s but the product is packed in %(actual)s.")
                % {
                    "named": PackagingMaterial(material).label if material else "?",
                    "actual": PackagingMaterial(product.packaging_material).label,
                },
            )
        )
    return LabelReadiness(checks=checks, notices=notices)
