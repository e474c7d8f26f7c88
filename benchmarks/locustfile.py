"""Load mix for `make bench` (benchmarks/load.py runs it headless on 127.0.0.1 only).

Owners (3 in 4 users) browse their pages and now and then submit a request; staff work the board and
the today view. They start signed in, with sessions made before the run (``BENCH_LOAD_SESSIONS``). ``Bare`` is the reference: one query, one template. Demo accounts come from
``seed_demo --bookings N`` (owners demo-owner-0…, staff "petugas", password "rumahkemasan").
"""
import json
import os
import random
import re

from locust import HttpUser, constant, task

PASSWORD = "rumahkemasan"
# No think time: every user sends its next request as soon as the last one is answered, so the
# requests per second measure what the server can do (2 gunicorn workers), for the mix and the bare view alike.
WAIT = constant(0)
OWNERS = int(os.environ.get("BENCH_LOAD_OWNERS", "500"))


SESSIONS = json.loads(open(os.environ["BENCH_LOAD_SESSIONS"]).read()) if os.environ.get("BENCH_LOAD_SESSIONS") else {}


def sign_in(user, username):
    """Use the session made for this person before the run (benchmarks/sessions.py), else sign in."""
    if username in SESSIONS:
        user.client.cookies.set("sessionid", SESSIONS[username])
        return
    user.client.get("/masuk/", name="/masuk/")
    token = user.client.cookies.get("csrftoken", "")
    user.client.post("/masuk/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                     headers={"Referer": user.host + "/masuk/"}, name="/masuk/ (POST)")


class Owner(HttpUser):
    weight = 3
    wait_time = WAIT

    def on_start(self):
        sign_in(self, f"demo-owner-{random.randrange(OWNERS)}")
        page = self.client.get("/permohonan/", name="/permohonan/").text
        self.codes = re.findall(r'href="/permohonan/(RK-\d{4}-\d{5})/"', page) or []

    @task(4)
    def home(self):
        self.client.get("/beranda/", name="/beranda/")

    @task(4)
    def my_requests(self):
        self.client.get("/permohonan/", name="/permohonan/")

    @task(3)
    def detail(self):
        if self.codes:
            self.client.get(f"/permohonan/{random.choice(self.codes)}/", name="/permohonan/[code]/")

    @task(1)
    def submit(self):
        form = self.client.get("/permohonan/baru/", name="/permohonan/baru/").text
        products = re.findall(r'<option value="(\d+)"', form.split('id="id_service"')[0])
        service = re.search(r'<option value="(\d+)">Konsultasi kemasan', form)
        if not products or not service:
            return
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/permohonan/baru/",
            {"product": random.choice(products), "service": service.group(1), "quantity": "1", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/permohonan/baru/"}, name="/permohonan/baru/ (POST)",
        )


class Staff(HttpUser):
    weight = 1
    wait_time = WAIT

    def on_start(self):
        sign_in(self, "petugas")
        board = self.client.get("/petugas/", name="/petugas/").text
        self.codes = re.findall(r'href="/permohonan/(RK-\d{4}-\d{5})/"', board) or []

    @task(4)
    def board(self):
        self.client.get("/petugas/", name="/petugas/")

    @task(2)
    def today(self):
        self.client.get("/petugas/hari-ini/", name="/petugas/hari-ini/")

    @task(3)
    def detail(self):
        if self.codes:
            self.client.get(f"/permohonan/{random.choice(self.codes)}/", name="/permohonan/[code]/")


class Bare(HttpUser):
    wait_time = WAIT

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="/bench/bare/")
