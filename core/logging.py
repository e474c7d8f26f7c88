"""JSON logs, one object per line, for journald or a log collector (DJANGO_LOG_FORMAT=json).

The web (Django and gunicorn: its error log and its access log, see ``GunicornJsonLogger``), the
worker and beat (``rumah_kemasan/celery.py`` hands Celery's logging to the same configuration) all
write through ``JsonFormatter``: every line is made by ``json.dumps``, so a quote or a backslash in a
path or a message never breaks it, and every time is given in the same zone (the site's
``TIME_ZONE``, with its offset), whatever the process's own zone is.
"""
import datetime
import json
import logging
import zoneinfo

from django.conf import settings

# Fields of a LogRecord that are not extra data passed by the caller.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def _site_time_zone() -> str:
    return settings.TIME_ZONE


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601 with offset), level, logger, message, extras."""

    def __init__(self, *args, time_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._time_zone = zoneinfo.ZoneInfo(time_zone) if time_zone else None

    @property
    def time_zone(self) -> zoneinfo.ZoneInfo:
        if self._time_zone is None:
            self._time_zone = zoneinfo.ZoneInfo(_site_time_zone())
        return self._time_zone

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.datetime.fromtimestamp(record.created, tz=self.time_zone)
        data = {
            "time": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            data["path"] = request.path
        if getattr(record, "status_code", None):
            data["status"] = record.status_code
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in data and key != "request" and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only installed where the web runs
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornJsonLogger(_GunicornLogger):
        """gunicorn's logger with JSON lines (``logger_class`` in deploy/gunicorn.conf.py).

        The access line is a dict turned into JSON, not gunicorn's %-format string, so any byte of
        a request (a backslash, a quote) is escaped correctly.
        """

        def setup(self, cfg):
            super().setup(cfg)
            formatter = JsonFormatter()
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(formatter)

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            atoms = self.atoms(resp, req, environ, request_time)
            fields = {
                "remote": atoms.get("{x-forwarded-for}i") or atoms.get("h"),
                "method": atoms.get("m"),
                "path": atoms.get("U"),
                "query": atoms.get("q") or "",
                "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
                "bytes": atoms.get("B"),
                "ms": atoms.get("M"),
                "agent": atoms.get("a"),
            }
            try:
                self.access_log.info("%s %s %s", fields["method"], fields["path"], fields["status"], extra={"http": fields})
            except Exception:  # noqa: BLE001 - a log line must never break a response
                self.exception("access log")
