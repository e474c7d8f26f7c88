import io

import pytest
from PIL import Image

from accounts.roles import Role
from bookings.models import Service
from tests.factories import BusinessFactory, ProductFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER)


@pytest.fixture
def other_owner(db):
    return UserFactory(role=Role.OWNER)


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.STAFF)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def business(owner):
    return BusinessFactory(owner=owner, phone="+6281298765432")


@pytest.fixture
def product(business):
    return ProductFactory(business=business)


@pytest.fixture
def pouch(db):
    """The catalogue's standing pouch service (seeded by migration): full workflow, minimum 100."""
    return Service.objects.get(slug="kemasan-standing-pouch")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def image_bytes(fmt="JPEG", size=(64, 48), colour="red", **save_kwargs) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save_kwargs.pop("alpha", False) else "RGB"
    Image.new(mode, size, colour).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


@pytest.fixture
def make_image():
    return image_bytes
