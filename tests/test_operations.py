"""What the operator relies on: /healthz (heartbeats, outbox), JSON logs, office accounts without a
terminal, the admin role in the outbox, static file permissions, the env file's format."""
import datetime
import io
import json
import logging
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from celery import Celery
from celery.utils.timer2 import Timer
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.heartbeats import HeartbeatScheduler, WorkerHeartbeat, heartbeat_record
from core.logging import GunicornJsonLogger, JsonFormatter
from core.models import Heartbeat
from notifications.models import Notification

ROOT = Path(settings.BASE_DIR)
QUEUES = [queue.name for queue in settings.CELERY_TASK_QUEUES]


def all_workers_beat(prefix="celery@a"):
    """One live worker per queue group, as in production (deploy/systemd)."""
    heartbeat_record(name=f"worker:{prefix}", kind="worker", queues=QUEUES)


@pytest.fixture
def with_broker(settings, db):
    """As in production: tasks go to a broker (here Celery's in-memory one), so worker and beat matter."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def test_healthz_without_broker_reports_database_and_outbox(client, db, django_assert_num_queries):
    with django_assert_num_queries(2):  # SELECT 1, one aggregate over the outbox
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert (body["database"], body["broker"], body["worker"], body["beat"]) == ("ok", "eager", "eager", "eager")
    assert body["outbox"] == {"status": "ok", "pending_overdue": 0, "overdue_after_minutes": 15, "failed_last_24h": 0}


def test_healthz_is_red_until_worker_and_beat_beat(client, with_broker, django_assert_num_queries):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "error"
    assert body["broker"] == "ok"
    assert body["worker"] == {"status": "error", "age_seconds": None, "alive": 0, "stale_after_seconds": 60,
                              "queues_without_worker": QUEUES}
    assert body["beat"]["status"] == "error"

    all_workers_beat()
    heartbeat_record(name="beat", kind="beat")
    with django_assert_num_queries(3):  # SELECT 1, the heartbeats, the outbox
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["worker"]["status"] == body["beat"]["status"] == "ok"
    assert body["worker"]["alive"] == 1 and body["worker"]["age_seconds"] <= 1


def test_a_silent_worker_turns_healthz_red_after_the_stale_limit(client, with_broker, settings):
    all_workers_beat()
    heartbeat_record(name="beat", kind="beat")
    then = timezone.now() - datetime.timedelta(seconds=settings.RK_HEARTBEAT_STALE_SECONDS - 5)
    Heartbeat.objects.filter(kind="worker").update(seen_at=then)
    assert client.get("/healthz").status_code == 200  # late, not yet stale

    Heartbeat.objects.filter(kind="worker").update(seen_at=then - datetime.timedelta(seconds=10))
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["worker"]["status"] == "error" and body["worker"]["age_seconds"] == 65
    assert body["beat"]["status"] == "ok"

    all_workers_beat("celery@b")  # another worker on the same queues still lives: enough
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == "ok" and body["worker"]["alive"] == 1


def test_a_queue_without_a_live_worker_is_named_and_red(client, with_broker):
    heartbeat_record(name="beat", kind="beat")
    heartbeat_record(name="worker:worker@a", kind="worker", queues=["celery"])
    heartbeat_record(name="worker:codes@a", kind="worker", queues=["notify.codes"])
    heartbeat_record(name="worker:email@a", kind="worker", queues=["notify.email", "notify.inapp"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["queues_without_worker"] == ["notify.whatsapp"]
    assert response.json()["worker"]["alive"] == 3

    heartbeat_record(name="worker:whatsapp@a", kind="worker", queues=["notify.whatsapp"])
    assert client.get("/healthz").status_code == 200


def test_outbox_rows_waiting_too_long_turn_healthz_red_failed_ones_are_only_counted(client, owner):
    def row(status, minutes_ago):
        n = Notification.objects.create(recipient=owner, channel="email", kind="test", subject="s", body="b", status=status)
        Notification.objects.filter(pk=n.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))

    row("pending", 5)  # young: being delivered
    row("failed", 60)
    row("failed", 60 * 30)  # older than a day: not counted
    body = client.get("/healthz").json()
    assert body["outbox"] == {"status": "ok", "pending_overdue": 0, "overdue_after_minutes": 15, "failed_last_24h": 1}

    row("pending", 16)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["outbox"]["pending_overdue"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the timer writes from its own thread, as in a worker
def test_the_worker_bootstep_writes_its_heartbeat_at_start_and_then_repeatedly(settings):
    settings.RK_HEARTBEAT_SECONDS = 0.2
    timer = Timer()
    from rumah_kemasan.celery import app

    worker = types.SimpleNamespace(hostname="celery@deploy", timer=timer, app=app)
    step = WorkerHeartbeat(worker)
    try:
        step.start(worker)
        first = Heartbeat.objects.get(name="worker:celery@deploy")
        assert first.kind == "worker" and first.queues == ",".join(sorted(app.amqp.queues.consume_from))
        import time

        deadline = time.monotonic() + 5
        while Heartbeat.objects.get(name="worker:celery@deploy").seen_at == first.seen_at and time.monotonic() < deadline:
            time.sleep(0.05)
        assert Heartbeat.objects.get(name="worker:celery@deploy").seen_at > first.seen_at
    finally:
        step.stop(worker)
        timer.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside a test transaction, as in beat
def test_beat_writes_its_heartbeat_as_it_ticks_and_wakes_often_enough(tmp_path, settings):
    app = Celery("heartbeat-test", broker="memory://", set_as_current=False)
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), max_interval=300)
    try:
        assert scheduler.tick() == settings.RK_HEARTBEAT_SECONDS
        assert Heartbeat.objects.get(name="beat").kind == "beat"
    finally:
        scheduler.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_heartbeat_that_cannot_be_written_never_stops_the_process(caplog, monkeypatch):
    from core import heartbeats

    def broken(**kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(heartbeats, "heartbeat_record", broken)
    step = WorkerHeartbeat(types.SimpleNamespace(hostname="x", timer=None))
    step.name = "worker:x"
    with caplog.at_level(logging.ERROR):
        step.beat()
    assert "heartbeat not written" in caplog.text


def test_json_log_lines_survive_quotes_backslashes_and_carry_one_time_zone():
    record = logging.LogRecord("rk", logging.INFO, __file__, 1, 'path %s', ('/a\\b"c',), None)
    record.http = {"path": '/a\\b"c', "status": 404}
    line = JsonFormatter(time_zone="Asia/Jayapura").format(record)
    data = json.loads(line)
    assert data["message"] == 'path /a\\b"c' and data["http"] == {"path": '/a\\b"c', "status": 404}
    assert data["time"].endswith("+09:00")
    assert json.loads(JsonFormatter().format(record))["time"].endswith("+09:00")  # the site's TIME_ZONE


def test_gunicorn_access_lines_are_json(capsys):
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    config.set("errorlog", "-")
    logger = GunicornJsonLogger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": '/a\\b"c', "PATH_INFO": '/a\\b"c', "QUERY_STRING": "q=\\",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": 'curl "x"'}
    request = types.SimpleNamespace(headers=[("X-FORWARDED-FOR", "10.1.2.3"), ("USER-AGENT", 'curl "x"')])
    response = types.SimpleNamespace(status="404 Not Found", sent=12, headers=[])
    logger.access(response, request, environ, datetime.timedelta(milliseconds=7))
    logger.info("Booting worker with pid: %s", 42)
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in (captured.out + captured.err).splitlines() if line]
    access = next(line for line in lines if line["logger"] == "gunicorn.access")
    assert access["http"] == {"remote": "10.1.2.3", "method": "GET", "path": '/a\\b"c', "query": "q=\\", "status": 404,
                              "bytes": 12, "ms": 7, "agent": 'curl "x"'}
    assert any(line["message"] == "Booting worker with pid: 42" for line in lines)


@pytest.mark.django_db
class TestCreateOfficeUser:
    def run(self, monkeypatch, stdin: str, *args, **options):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out = io.StringIO()
        call_command("create_office_user", *args, stdout=out, **options)
        return out.getvalue()

    def test_password_from_standard_input(self, monkeypatch):
        from accounts.models import User

        out = self.run(monkeypatch, "panjang-sekali-42\n", "kasir", role="staff", full_name="Kasir", password_stdin=True)
        assert "Created kasir" in out
        assert User.objects.get(username="kasir").check_password("panjang-sekali-42")

    def test_password_from_the_environment(self, monkeypatch):
        from accounts.models import User

        monkeypatch.setenv("RK_NEW_USER_PASSWORD", "rahasia-kantor-77")
        self.run(monkeypatch, "", "kepala2", role="manager", full_name="Kepala")
        assert User.objects.get(username="kepala2").check_password("rahasia-kantor-77")

    def test_without_a_terminal_or_a_password_it_says_how(self, monkeypatch):
        monkeypatch.delenv("RK_NEW_USER_PASSWORD", raising=False)
        with pytest.raises(CommandError, match="--password-stdin"):
            self.run(monkeypatch, "", "x", role="staff", full_name="X")
        with pytest.raises(CommandError, match="empty"):
            self.run(monkeypatch, "\n", "x", role="staff", full_name="X", password_stdin=True)


def test_the_admin_role_sees_the_outbox_the_head_of_office_may_look(client, admin_user, manager, staff, owner):
    notification = Notification.objects.create(recipient=owner, channel="email", kind="t", subject="s", body="b", status="failed")
    url = "/admin/notifications/notification/"
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    assert client.get(f"{url}{notification.pk}/change/").status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code in (200, 302)  # heads of office: view permission, if they have admin access
    client.force_login(staff)
    assert client.get(url).status_code == 302  # no Django admin for staff


def test_static_files_are_written_world_readable_uploads_are_not(tmp_path):
    import rumah_kemasan.settings as production
    from django.core.files.base import ContentFile
    from django.utils.module_loading import import_string

    options = production.STORAGES["staticfiles"]["OPTIONS"]
    storage = import_string(production.STORAGES["staticfiles"]["BACKEND"])(location=tmp_path / "static", **options)
    old = os.umask(0o077)  # even under a strict umask
    try:
        storage.save("css/x.css", ContentFile(b"body{}"))
    finally:
        os.umask(old)
    assert (tmp_path / "static/css/x.css").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "static/css").stat().st_mode & 0o777 == 0o755
    assert production.FILE_UPLOAD_PERMISSIONS == 0o640
    assert production.SECURE_HSTS_PRELOAD is False  # opt-in (deploy/README.md)


def test_the_shipped_env_file_is_read_alike_by_systemd_and_a_shell_and_bad_lines_are_named(tmp_path):
    me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    env = {"PATH": os.environ["PATH"], "RK_SERVICE_USER": me, "RK_ENV_FILE": str(ROOT / "deploy/rumah-kemasan.env")}
    out = subprocess.run([ROOT / "deploy/as-service.sh", "env"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "DJANGO_DEFAULT_FROM_EMAIL=Rumah Kemasan <noreply@example.go.id>" in out.stdout.splitlines()

    bad = tmp_path / "bad.env"
    bad.write_text("# comment\nDATABASE_URL=postgres:///x\nDJANGO_DEFAULT_FROM_EMAIL=Rumah Kemasan <noreply@example.go.id>\n")
    out = subprocess.run([ROOT / "deploy/as-service.sh", "env"], env={**env, "RK_ENV_FILE": str(bad)}, capture_output=True, text=True)
    assert out.returncode == 1 and "line 3" in out.stderr


def test_without_a_mail_server_json_logs_get_the_mail_as_one_line(caplog, settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "core.mail.LogEmailBackend"
    with caplog.at_level(logging.INFO, logger="rumah_kemasan.mail"):
        assert send_mail("Permohonan RK-2026-00001", "Isi\\pesan", None, ["a@example.org"]) == 1
    record = next(r for r in caplog.records if r.name == "rumah_kemasan.mail")
    line = json.loads(JsonFormatter().format(record))
    assert line["mail"] == {"to": ["a@example.org"], "subject": "Permohonan RK-2026-00001", "body": "Isi\\pesan"}


def test_healthz_details_are_for_the_server_and_admins_only(client, db, admin_user):
    """From elsewhere: the status and the code alone; from the server itself, or an admin: the details."""
    outside = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert outside.status_code == 200 and outside.json() == {"status": "ok"}
    assert "outbox" in client.get("/healthz", REMOTE_ADDR="127.0.0.1").json()
    assert "outbox" in client.get("/healthz", REMOTE_ADDR="::1").json()
    client.force_login(admin_user)
    assert "outbox" in client.get("/healthz", REMOTE_ADDR="203.0.113.9").json()


def test_healthz_from_elsewhere_still_turns_red(client, owner):
    """The summary keeps the code: a monitor outside sees 503 when delivery is stuck."""
    stuck = Notification.objects.create(recipient=owner, channel="email", kind="test", subject="s", body="b", status="pending")
    Notification.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503 and response.json() == {"status": "error"}
