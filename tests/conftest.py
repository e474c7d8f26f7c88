import io

import pytest
from PIL import Image

from accounts.roles import Role
from bookings.models import Service
from tests.factories import BusinessFactory, ProductFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reload_reference_data():
    """Run every data migration of the project's apps again, in migration order.

    Transactional tests (threads, the live server of the browser tests) flush the database at their
    end, and the flush takes the rows that the data migrations made with it: roles, regions, the
    service catalogue, holidays, payment rules. The data migrations are written to be idempotent, so
    the next transactional test runs them again rather than relying on a serialized copy.
    """
    from types import SimpleNamespace

    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    from accounts.apps import sync_role_permissions

    # Content types are reference rows too (the outbox names what a message is about with one): a flush
    # with serialized rollback leaves the table empty while ContentType's cache still holds the old ids.
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)

    ours = {name for name in settings.INSTALLED_APPS if "." not in name}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    editor = SimpleNamespace(connection=connection)
    for key in plan:
        if key[0] not in ours:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, editor)
    sync_role_permissions(None)


@pytest.fixture
def reference_data(transactional_db):
    """Roles, regions, the service catalogue, holidays and payment rules, as the data migrations make them."""
    reload_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """A transactional test starts after an earlier one may have flushed the data migrations' rows."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from django.contrib.auth.models import Group

        if not Group.objects.exists():
            reload_reference_data()


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
