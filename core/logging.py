import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for journald or a log collector (DJANGO_LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            data["path"] = request.path
        if getattr(record, "status_code", None):
            data["status"] = record.status_code
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
