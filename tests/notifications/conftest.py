import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeGateway:
    """A WhatsApp HTTP gateway on 127.0.0.1 that fails the first ``failures`` requests with 503.

    Like real providers it keeps one message per idempotency reference: ``received`` holds the
    messages that reached people, ``attempts`` counts every request.
    """

    def __init__(self, failures=0, status=503, delay=0.0):
        self.failures, self.status, self.delay = failures, status, delay
        self.received, self.attempts = [], 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                import time

                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.attempts += 1
                if gateway.delay and gateway.attempts == 1:
                    time.sleep(gateway.delay)
                if gateway.attempts <= gateway.failures:
                    self.send_response(gateway.status)
                    self.end_headers()
                    return
                if body["reference"] not in {m["reference"] for m in gateway.received}:
                    gateway.received.append({"auth": self.headers.get("Authorization"), **body})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_gateway(settings):
    gateways = []

    def make(**kwargs):
        gateway = FakeGateway(**kwargs)
        gateways.append(gateway)
        settings.RK_WHATSAPP_BACKEND = "notifications.channels.HttpGateway"
        settings.RK_WHATSAPP_URL = gateway.url
        settings.RK_WHATSAPP_TOKEN = "rahasia"
        settings.RK_NOTIFY_RETRY_BASE = 0
        return gateway

    yield make
    for gateway in gateways:
        gateway.close()
