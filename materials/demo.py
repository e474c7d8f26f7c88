"""Demo store for ``seed_demo``: three materials with stock and the bill of materials of two services."""
from decimal import Decimal

from bookings.models import Service
from materials import services
from materials.models import BillLine, Material

MATERIALS = [
    # name, unit, minimum, cost per unit, received, [(service slug, per unit)]
    ("Standing pouch 12×20 cm zipper", "piece", 300, 1500, 1200, [("kemasan-standing-pouch", "1")]),
    ("Kertas label A3 chromo", "sheet", 50, 2500, 120, [("cetak-label-stiker", "0.05")]),
    ("Tinta sablon plastisol", "ml", 500, 150, 3000, [("sablon", "2")]),
]


def seed_store(*, actor) -> None:
    for name, unit, minimum, cost, received, lines in MATERIALS:
        material, created = Material.objects.get_or_create(
            name=name, defaults={"unit": unit, "minimum_stock": minimum, "unit_cost": cost}
        )
        for slug, per_unit in lines:
            BillLine.objects.get_or_create(service=Service.objects.get(slug=slug), material=material,
                                           defaults={"per_unit": Decimal(per_unit)})
        if created:
            services.stock_receive(material=material, actor=actor, quantity=received, unit_cost=cost,
                                   reason="Pembelian awal (data demo)")

