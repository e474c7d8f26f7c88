"""Signed-in sessions for the load test's users, made before the measured window (most owners and
staff already hold a session: they last 14 days). Prints {username: session key} as JSON."""
import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rumah_kemasan.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from accounts.models import User  # noqa: E402

count = int(os.environ.get("BENCH_LOAD_OWNERS", "500"))
names = [f"demo-owner-{i}" for i in range(count)] + ["petugas"]
sessions = {}
for user in User.objects.filter(username__in=names):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions[user.username] = store.session_key
print(json.dumps(sessions))
