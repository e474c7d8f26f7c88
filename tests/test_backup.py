"""deploy/backup.sh and deploy/restore.sh round-trip a PostgreSQL database and the media folder."""
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bookings.services import booking_submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(settings.BASE_DIR)


def url(name):
    db = connection.settings_dict
    return f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def psql(database, sql):
    return subprocess.run(["psql", "-At", url(database), "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def test_backup_and_restore_round_trip(owner, product, pouch, tmp_path):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("the backup test needs PostgreSQL (it runs in the second pass of make test)")
        pytest.skip("the backup scripts are for PostgreSQL (second pass of make test)")
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    media = Path(settings.MEDIA_ROOT)
    (media / "documents").mkdir(parents=True, exist_ok=True)
    (media / "documents" / "scan.pdf").write_bytes(b"%PDF-1.4 test")
    source = connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": url(source), "DJANGO_MEDIA_ROOT": str(media)}
    out = subprocess.run([ROOT / "deploy/backup.sh", tmp_path / "backup"], env=env, capture_output=True, text=True, check=True)
    dump, tarball = out.stdout.split()

    target = f"rk_restore_{uuid.uuid4().hex[:8]}"
    psql("postgres", f'CREATE DATABASE "{target}"')
    try:
        restored_media = tmp_path / "restored-media"
        env = {**os.environ, "DATABASE_URL": url(target), "DJANGO_MEDIA_ROOT": str(restored_media)}
        subprocess.run([ROOT / "deploy/restore.sh", dump, tarball], env=env, capture_output=True, text=True, check=True)
        assert psql(target, "SELECT code FROM bookings_booking") == booking.code
        assert psql(target, "SELECT count(*) FROM bookings_bookingevent") == "1"
        assert psql(target, "SELECT count(*) FROM bookings_service") == psql(source, "SELECT count(*) FROM bookings_service")
        assert (restored_media / "documents" / "scan.pdf").read_bytes() == b"%PDF-1.4 test"
    finally:
        psql("postgres", f'DROP DATABASE "{target}"')
