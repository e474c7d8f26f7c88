"""deploy/backup.sh and deploy/restore.sh: a round trip of a PostgreSQL database, the media folder and
the env file; modes 0600/0700; retention; refusals that protect data. (The whole drill — stop, drop,
restore, start, health — is deploy/test.sh's.)"""
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
    return subprocess.run(["psql", "-XAt", url(database), "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def run(script, *args, env):
    return subprocess.run([ROOT / "deploy" / script, *map(str, args)], env=env, capture_output=True, text=True)


@pytest.fixture
def need_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("the backup test needs PostgreSQL (it runs in the second pass of make test)")
        pytest.skip("the backup scripts are for PostgreSQL (second pass of make test)")


def test_backup_and_restore_round_trip(need_postgres, owner, product, pouch, tmp_path):
    booking = booking_submit(actor=owner, product=product, service=pouch, quantity=100)
    media = Path(settings.MEDIA_ROOT)
    (media / "documents").mkdir(parents=True, exist_ok=True)
    (media / "documents" / "scan.pdf").write_bytes(b"%PDF-1.4 test")
    env_file = tmp_path / "rumah-kemasan.env"
    env_file.write_text("DJANGO_SECRET_KEY=the-key-that-signs-links\n")
    source = connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": url(source), "DJANGO_MEDIA_ROOT": str(media), "RK_ENV_FILE": str(env_file)}
    dest = tmp_path / "backups"
    out = run("backup.sh", dest, env=env)
    assert out.returncode == 0, out.stderr
    backup_set = Path(out.stdout.strip())
    assert backup_set.parent == dest / "daily"
    assert sorted(p.name for p in backup_set.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar.gz", "rumah-kemasan.env"]
    for path in [dest, *dest.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    assert (dest / "weekly" / backup_set.name).is_dir()  # the first set is also the week's

    target = f"rk_restore_{uuid.uuid4().hex[:8]}"
    psql("postgres", f'CREATE DATABASE "{target}"')
    try:
        restored_media = tmp_path / "restored" / "media"
        restored_media.mkdir(parents=True)
        (restored_media / "stray.txt").write_text("kept aside, not lost")
        other_env = tmp_path / "new.env"
        other_env.write_text("DJANGO_SECRET_KEY=a-new-key\n")
        env = {**os.environ, "DATABASE_URL": url(target), "DJANGO_MEDIA_ROOT": str(restored_media), "RK_ENV_FILE": str(other_env)}
        out = run("restore.sh", backup_set, env=env)
        assert out.returncode == 0, out.stderr
        assert "another DJANGO_SECRET_KEY" in out.stderr  # the operator hears that links would break
        assert psql(target, "SELECT code FROM bookings_booking") == booking.code
        assert psql(target, "SELECT count(*) FROM bookings_bookingevent") == "1"
        assert psql(target, "SELECT count(*) FROM bookings_service") == psql(source, "SELECT count(*) FROM bookings_service")
        assert (restored_media / "documents" / "scan.pdf").read_bytes() == b"%PDF-1.4 test"
        aside = [p for p in restored_media.parent.iterdir() if p.name.startswith("media.before-restore-")]
        assert len(aside) == 1 and (aside[0] / "stray.txt").exists()

        again = run("restore.sh", backup_set, env=env)  # the database is not empty any more
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        psql("postgres", f'DROP DATABASE "{target}"')


def test_backup_refuses_without_its_settings_and_restore_checks_the_sums(need_postgres, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_MEDIA_ROOT",)}
    out = run("backup.sh", tmp_path / "b", env={**env, "DATABASE_URL": url(connection.settings_dict["NAME"])})
    assert out.returncode != 0 and "DJANGO_MEDIA_ROOT" in out.stderr  # never an empty media tarball

    broken = tmp_path / "set"
    broken.mkdir()
    (broken / "db.dump").write_bytes(b"x")
    (broken / "SHA256SUMS").write_text("0" * 64 + "  db.dump\n")
    out = run("restore.sh", broken, env={**env, "DATABASE_URL": "postgres:///nothing", "DJANGO_MEDIA_ROOT": str(tmp_path / "m")})
    assert out.returncode == 1 and "checksums" in out.stderr


def test_retention_keeps_14_daily_and_8_weekly_sets(need_postgres, tmp_path):
    dest = tmp_path / "backups"
    for folder, count in [("daily", 20), ("weekly", 12)]:
        for day in range(count):
            (dest / folder / f"2026{(day // 28) + 1:02d}{(day % 28) + 1:02d}-023000").mkdir(parents=True)
    media = tmp_path / "media"
    media.mkdir()
    env_file = tmp_path / "e.env"
    env_file.write_text("X=1\n")
    env = {**os.environ, "DATABASE_URL": url(connection.settings_dict["NAME"]), "DJANGO_MEDIA_ROOT": str(media),
           "RK_ENV_FILE": str(env_file)}
    out = run("backup.sh", dest, env=env)
    assert out.returncode == 0, out.stderr
    daily = sorted(p.name for p in (dest / "daily").iterdir())
    weekly = sorted(p.name for p in (dest / "weekly").iterdir())
    assert len(daily) == 14 and daily[-1] == Path(out.stdout.strip()).name
    assert len(weekly) == 8 and weekly[-1] == daily[-1]  # no weekly set in the last 6 days: this one is
