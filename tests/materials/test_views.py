from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from materials import services
from materials.models import Material


def test_store_page_shows_available_and_low_stock_in_one_query(client, staff):
    pouches = Material.objects.create(name="Standing pouch 12x20", unit="piece", minimum_stock=100, unit_cost=1500)
    labels = Material.objects.create(name="Kertas label A3", unit="sheet", minimum_stock=10)
    services.stock_receive(material=pouches, actor=staff, quantity=80)
    services.stock_receive(material=labels, actor=staff, quantity=500)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("materials:store")).content.decode()
    # session, user, groups (role check), unread notifications + 1 for every material with its last move's totals
    assert len(queries) <= 5
    assert "Standing pouch 12x20" in page and "Menipis" in page and "500" in page


def test_receive_and_count_through_the_pages(client, staff):
    ink = Material.objects.create(name="Tinta", unit="ml")
    client.force_login(staff)
    response = client.post(reverse("materials:receive", kwargs={"pk": ink.pk}),
                           {"kind": "purchase", "quantity": "1000", "unit_cost": "150", "reason": "Toko Ambon"})
    assert response.status_code == 302
    response = client.post(reverse("materials:adjust", kwargs={"pk": ink.pk}), {"counted": "990", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert 'value="990"' in response.content.decode()
    client.post(reverse("materials:adjust", kwargs={"pk": ink.pk}), {"counted": "990", "reason": "Tumpah"})
    assert services.stock_of([ink.pk])[ink.pk] == (990, 0)
    detail = client.get(reverse("materials:detail", kwargs={"pk": ink.pk})).content.decode()
    assert "Tumpah" in detail and "Toko Ambon" in detail
