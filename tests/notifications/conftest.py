import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone


class FakeGateway:
    """A WhatsApp HTTP gateway on 127.0.0.1 speaking notifications.gateways.HttpGateway's protocol.

    Like the real providers in Indonesia it honours no idempotency key: every accepted request is a
    message the person sees (``received``, duplicates included). ``attempts`` counts every request.
    The first ``failures`` requests get ``status`` (503). With ``delay``, the first ``slow`` requests
    (all when ``slow`` is None) are accepted at once and answered ``delay`` seconds later, as a slow
    provider does. ``GET /messages/<reference>`` is the status lookup (404 when unknown).
    """

    def __init__(self, failures=0, status=503, delay=0.0, slow=1):
        self.failures, self.status, self.delay, self.slow = failures, status, delay, slow
        self.received, self.attempts, self.lookups = [], 0, 0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def reply(self, code, payload=None):
                body = json.dumps(payload or {}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                reference = self.path.rstrip("/").rsplit("/", 1)[-1]
                with gateway.lock:
                    gateway.lookups += 1
                    known = any(m["reference"] == reference for m in gateway.received)
                self.reply(200 if known else 404, {"status": "sent"} if known else {"error": "unknown"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.attempts += 1
                    number = gateway.attempts
                    failing = number <= gateway.failures
                    if not failing:
                        gateway.received.append({"auth": self.headers.get("Authorization"), **body})
                if gateway.delay and (gateway.slow is None or number <= gateway.slow):
                    time.sleep(gateway.delay)
                if failing:
                    self.reply(gateway.status)
                    return
                self.reply(200, {"id": f"fake-{number}"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.status_url = f"http://127.0.0.1:{self.server.server_port}/messages/{{reference}}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def copies(self, reference):
        return sum(1 for m in self.received if m["reference"] == reference)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_gateway(settings):
    gateways = []

    def make(**kwargs):
        gateway = FakeGateway(**kwargs)
        gateways.append(gateway)
        settings.RK_WHATSAPP_BACKEND = "notifications.gateways.HttpGateway"
        settings.RK_WHATSAPP_URL = gateway.url
        settings.RK_WHATSAPP_STATUS_URL = gateway.status_url
        settings.RK_WHATSAPP_TOKEN = "rahasia"
        settings.RK_NOTIFY_RETRY_BASE = 0
        return gateway

    yield make
    for gateway in gateways:
        gateway.close()


@pytest.fixture
def whatsapp_owner(owner):
    owner.email = "ina@example.org"
    owner.notify_whatsapp = True
    owner.whatsapp_consent_at = timezone.now()
    owner.save()
    return owner
