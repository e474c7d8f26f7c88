"""A WhatsApp gateway for the code benchmark: records when each message is handed to it (Redis hash)."""
import time

import redis
from django.conf import settings

from notifications.gateways import LogGateway

KEY = "bench:codes:handed"


class TimingGateway(LogGateway):
    """Records `reference -> time` the moment a message reaches the gateway; ordinary messages take
    20 ms (a fast provider), so a backlog of them keeps the other queue busy during the run."""

    def __init__(self):
        self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def send(self, *, to: str, message: str, reference: str) -> str:
        self.redis.hset(KEY, reference, repr(time.time()))
        if "kode verifikasi" not in message and "verification code" not in message:
            time.sleep(0.02)
        return ""
