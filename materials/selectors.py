"""Reads of the store that feed pages."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from materials.models import Material, StockMove

MOVES_SHOWN = 50


def materials_with_stock():
    """Every material with its on-hand and reserved stock from its last move (one query)."""
    last = StockMove.objects.filter(material=OuterRef("pk")).order_by("-sequence")
    return Material.objects.annotate(
        on_hand=Subquery(last.values("on_hand_after")[:1]), reserved=Subquery(last.values("reserved_after")[:1])
    ).order_by("-is_active", "name")


def material_for_page(pk: int) -> Material:
    return get_object_or_404(materials_with_stock(), pk=pk)


def recent_moves(material: Material):
    return material.moves.select_related("booking", "created_by").order_by("-sequence")[:MOVES_SHOWN]
