"""Settings for Rumah Kemasan, read from the environment (django-environ).

Every variable has an embedded default so that ``make run`` needs nothing but Python:
no ``DATABASE_URL`` means a SQLite file, no ``CELERY_BROKER_URL`` means Celery runs tasks
in-process. ``DJANGO_DEBUG`` is off unless set (``make run`` sets it on). See ``.env.example``.
"""
import datetime
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Queue
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "core",
    "rumah_kemasan",  # the top floor: landing, home, healthz, seed_demo (see docs/architecture.md)
    "accounts",
    "products",
    "bookings",
    "payments",
    "materials",
    "intake",
    "notifications",
    "outreach",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env.str("DJANGO_ROOT_URLCONF", default="rumah_kemasan.urls")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "rumah_kemasan.wsgi.application"

# Database: SQLite file unless DATABASE_URL is set (postgres://user@host:5432/name).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue on the
    # busy timeout instead of failing with "database is locked" when one upgrades its lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:landing"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lock-out (django-axes): 5 failures for a username from an address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
RK_TRUSTED_PROXIES = env.list("RK_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Indonesian by default, English available; Maluku is in WIT.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "rk_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Jayapura"
USE_I18N = True
USE_TZ = True

# Static files: in production nginx serves STATIC_ROOT directly (deploy/README.md), whitenoise
# serves them everywhere else; nothing is loaded from another host. They are public, so they are
# written world-readable (0644 in 0755 folders) whatever FILE_UPLOAD_PERMISSIONS says about uploads:
# nginx reads them as www-data.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# Uploaded files live outside the static tree and have no public URL: every download goes
# through a view that checks who is asking (see core/files.py).
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640

# Upload limits (see core/uploads.py).
RK_MAX_UPLOAD_BYTES = env.int("RK_MAX_UPLOAD_BYTES", default=8 * 1024 * 1024)
RK_MAX_IMAGE_PIXELS = env.int("RK_MAX_IMAGE_PIXELS", default=25_000_000)
RK_MAX_PIXELS_PER_REQUEST = env.int("RK_MAX_PIXELS_PER_REQUEST", default=50_000_000)  # all images of one request
RK_IMAGE_MAX_EDGE = 2560
RK_THUMBNAIL_EDGE = 480
RK_MAX_PHOTOS_PER_PRODUCT = 6
RK_MAX_REFERENCE_FILES = 5
RK_DOCUMENT_EXPIRY_WARNING_DAYS = 60

# The region served: kabupaten/kota are data (accounts.District), seeded for this province.
RK_PROVINCE = env.str("RK_PROVINCE", default="Maluku")
RK_OFFICE_NAME = env.str("RK_OFFICE_NAME", default="UPTD PLUT KUMKM Provinsi Maluku")
RK_OFFICE_ADDRESS = env.str("RK_OFFICE_ADDRESS", default="Jl. Jenderal Sudirman, Batu Merah, Kota Ambon, Maluku")
RK_OFFICE_PHONE = env.str("RK_OFFICE_PHONE", default="+62911000000")
# Opening hours for collecting goods, as written to owners; empty: "Monday to Friday, 08.00–15.00 WIT" translated.
RK_OFFICE_HOURS = env.str("RK_OFFICE_HOURS", default="")
RK_CODE_PREFIX = env.str("RK_CODE_PREFIX", default="RK")
# Payments: the QRIS gateway adapter (logging, midtrans, xendit, doku) and its credentials.
RK_PAYMENT_GATEWAY = env.str("RK_PAYMENT_GATEWAY", default="logging")
RK_GATEWAY_URL = env.str("RK_GATEWAY_URL", default="")
RK_GATEWAY_SERVER_KEY = env.str("RK_GATEWAY_SERVER_KEY", default="")
RK_GATEWAY_CLIENT_ID = env.str("RK_GATEWAY_CLIENT_ID", default="")
RK_GATEWAY_CALLBACK_TOKEN = env.str("RK_GATEWAY_CALLBACK_TOKEN", default="")
RK_GATEWAY_SECRET = env.str("RK_GATEWAY_SECRET", default=SECRET_KEY)
RK_GATEWAY_TIMEOUT = env.int("RK_GATEWAY_TIMEOUT", default=15)
# Show this year's totals of UMKM served per regency/city on the landing page.
RK_PUBLIC_SUMMARY = env.bool("RK_PUBLIC_SUMMARY", default=False)

# Sessions and cookies.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): everything from this site, no inline scripts, no other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security: strict when DEBUG is off (production sits behind a TLS reverse proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preload is a promise to browsers that outlives this server: opt in once HTTPS has run well
    # for a while (deploy/README.md, "HSTS preload"); until then check --deploy need not nag.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Cache: CACHE_URL when set (the deployment guide points it at Redis, shared by every web worker).
# Without it, the development server keeps it in memory; with DEBUG off, a file cache that every web
# worker process of this machine shares, so rate limits and sign-in throttles count once
# (core/checks.py warns about a per-process cache with several workers).
CACHE_DIR = env("RK_CACHE_DIR", default=str(Path(tempfile.gettempdir()) / "rumah-kemasan-cache"))
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://rumah-kemasan" if DEBUG else f"filecache://{CACHE_DIR}")}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "core.errors.ratelimited"
RATELIMIT_IP_META_KEY = "core.ip.client_ip"
RK_LOGIN_FAILURES_PER_IP = env.str("RK_LOGIN_FAILURES_PER_IP", default="30/15m")  # any usernames, one address
RK_TRACKING_RATE = env.str("RK_TRACKING_RATE", default="10/m")  # code + digits tries per IP
RK_PASSWORD_RESET_RATE = env.str("RK_PASSWORD_RESET_RATE", default="5/h")  # reset requests per IP
RK_TRACKING_LINK_RATE = env.str("RK_TRACKING_LINK_RATE", default="60/m")  # signed-link views per IP

# Email: console unless configured (EMAIL_URL=smtp+tls://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("console.EmailBackend") and env.str("DJANGO_LOG_FORMAT", default="plain") == "json":
    EMAIL_BACKEND = "core.mail.LogEmailBackend"  # no raw MIME text between the JSON log lines
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)  # a hung SMTP server must not hold a worker
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Rumah Kemasan <noreply@localhost>")

# Celery: Redis in production; without a broker, tasks run in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"
elif CELERY_BROKER_URL.split("://", 1)[0] in ("redis", "rediss"):
    # kombu's Redis transport, except that a failed acknowledgement reconnects instead of holding the
    # worker's prefetch slot for good (a Redis hang or outage as a task finished stalled the worker).
    CELERY_BROKER_TRANSPORT = "core.broker_transport:Transport"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Reuse the worker's database connection across tasks (Celery's Django fixup otherwise closes it
# before and after every task: a new PostgreSQL connection each time).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=500)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A request must never wait on a hung broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    # A consumer whose BRPOP got no reply (Redis hung, then resumed) drops the connection and
    # reconnects after brpop_timeout + this many seconds, instead of kombu's default 25 (issue 11:
    # everything delivered within 15 s of the broker's recovery).
    "health_check_interval": env.int("RK_BROKER_HEALTH_CHECK_SECONDS", default=3),
    # Longer than any countdown or ETA we use (retries are capped at RK_NOTIFY_RETRY_MAX; reminders
    # come from beat), or a delayed task would be delivered twice.
    "visibility_timeout": env.int("RK_BROKER_VISIBILITY_TIMEOUT", default=3600),
    # Between attempts to reach a broker that is down: 1 s, then every RK_BROKER_RECONNECT_SECONDS
    # (kombu's default grows to 30 s). The worker's consumer and beat honour these too
    # (core/broker_transport.py), so they are back within a couple of seconds of Redis.
    "interval_start": 1,
    "interval_step": 1,
    "interval_max": env.float("RK_BROKER_RECONNECT_SECONDS", default=2.0),
}
# Workers and beat keep trying to reach Redis for as long as it takes (Celery's default gives up
# after 100 attempts: 200 s at the interval above).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

# Publishing a task never retries, and a request waits at most RK_BROKER_PUBLISH_WAIT for it; a
# failure opens a circuit breaker for RK_BROKER_BREAKER_SECONDS (core/broker.py). Outbox rows that
# could not be published are sent by the relay within RK_NOTIFY_RELAY_SECONDS of the broker's return.
CELERY_TASK_PUBLISH_RETRY = False
RK_BROKER_PUBLISH_WAIT = env.float("RK_BROKER_PUBLISH_WAIT", default=0.1)
RK_BROKER_BREAKER_SECONDS = env.float("RK_BROKER_BREAKER_SECONDS", default=5.0)
# Queues: the default one for CPU work (images, exports, QR codes), one per notification channel and
# one for one-time codes, so no channel waits behind another (see README, "Workers").
# notify(..., urgent=True) (one-time WhatsApp sign-in codes) goes to RK_CODES_QUEUE.
CELERY_TASK_DEFAULT_QUEUE = "celery"
RK_CODES_QUEUE = env.str("RK_CODES_QUEUE", default="notify.codes")
CELERY_TASK_QUEUES = [
    Queue(name) for name in ("celery", RK_CODES_QUEUE, "notify.email", "notify.inapp", "notify.whatsapp")
]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_POOL_LIMIT = 10
CELERY_BEAT_SCHEDULE = {
    "dispatch-pending-notifications": {
        "task": "notifications.tasks.dispatch_pending",
        "schedule": env.float("RK_NOTIFY_RELAY_SECONDS", default=5.0),
        "options": {"queue": RK_CODES_QUEUE, "expires": 30},  # the fast queue; a stale relay run is dropped
    },
    "recompute-all-queues": {"task": "bookings.tasks.recompute_all_queues", "schedule": 600.0},
    "dispatch-pending-exports": {"task": "reports.tasks.dispatch_pending_exports", "schedule": 300.0},
    # The report's roll-up: changes mark bookings dirty; this refreshes them (the report does too, before
    # it reads), and the nightly check compares the facts with the source and repairs them.
    "refresh-report-facts": {"task": "reports.tasks.refresh_report_facts", "schedule": 60.0},
    "check-report-facts": {"task": "reports.tasks.check_report_facts", "schedule": crontab(minute=40, hour=2)},
    "booking-reminders": {"task": "bookings.tasks.send_reminders", "schedule": crontab(minute=0, hour="9,14", day_of_week="1-5")},
    "staff-morning-digest": {"task": "bookings.tasks.send_staff_digest", "schedule": crontab(minute=30, hour=7, day_of_week="1-5")},
    "cleanup-read-notifications": {"task": "notifications.tasks.cleanup_read_notifications", "schedule": crontab(minute=15, hour=2)},
}

# Notifications: WhatsApp through a gateway (the default only logs), retries with capped backoff.
RK_SITE_URL = env.str("RK_SITE_URL", default="http://127.0.0.1:8000")
RK_WHATSAPP_BACKEND = env.str("RK_WHATSAPP_BACKEND", default="notifications.gateways.LogGateway")
RK_WHATSAPP_URL = env.str("RK_WHATSAPP_URL", default="")
RK_WHATSAPP_TOKEN = env.str("RK_WHATSAPP_TOKEN", default="")
RK_WHATSAPP_TIMEOUT = env.float("RK_WHATSAPP_TIMEOUT", default=10.0)
RK_WHATSAPP_STATUS_URL = env.str("RK_WHATSAPP_STATUS_URL", default="")  # HttpGateway: "…/messages/{reference}"
# Webhooks: POST /webhooks/whatsapp/<RK_WHATSAPP_WEBHOOK_TOKEN>/ ; signed with the secret where the
# provider signs (Meta: the app secret; our HttpGateway protocol). No token: no webhook.
RK_WHATSAPP_WEBHOOK_TOKEN = env.str("RK_WHATSAPP_WEBHOOK_TOKEN", default="")
RK_WHATSAPP_WEBHOOK_SECRET = env.str("RK_WHATSAPP_WEBHOOK_SECRET", default="")
RK_WHATSAPP_VERIFY_TOKEN = env.str("RK_WHATSAPP_VERIFY_TOKEN", default="")  # Meta's subscription check
RK_QONTAK_TEMPLATE_ID = env.str("RK_QONTAK_TEMPLATE_ID", default="")
RK_QONTAK_CHANNEL_ID = env.str("RK_QONTAK_CHANNEL_ID", default="")
# After a timeout the outcome is unknown: ask the provider after RK_WHATSAPP_CHECK_AFTER seconds; with
# no answer (no status API, no webhook yet) resend only RK_WHATSAPP_RESEND_WINDOW after the attempt.
RK_WHATSAPP_CHECK_AFTER = env.int("RK_WHATSAPP_CHECK_AFTER", default=30)
RK_WHATSAPP_RESEND_WINDOW = env.int("RK_WHATSAPP_RESEND_WINDOW", default=900)
RK_NOTIFY_RETRY_BASE = env.int("RK_NOTIFY_RETRY_BASE", default=10)
RK_NOTIFY_RETRY_MAX = env.int("RK_NOTIFY_RETRY_MAX", default=600)
RK_NOTIFY_MAX_ATTEMPTS = env.int("RK_NOTIFY_MAX_ATTEMPTS", default=6)  # the first try and 5 retries
# A claimed row is the worker's for this long (longer than any gateway call); then the relay may
# hand it to another worker.
RK_NOTIFY_LEASE_SECONDS = env.int("RK_NOTIFY_LEASE_SECONDS", default=60)
# A published row that is still pending this long later was lost by the broker: publish it again.
RK_NOTIFY_REQUEUE_AFTER = env.int("RK_NOTIFY_REQUEUE_AFTER", default=120)
RK_NOTIFICATION_RETENTION_DAYS = env.int("RK_NOTIFICATION_RETENTION_DAYS", default=90)
RK_CODE_DIGITS = 6
RK_CODE_VALID_MINUTES = 10
RK_CODE_MAX_TRIES = 5
RK_CODE_MAX_PER_NUMBER = 3  # codes sent to one number within RK_CODE_VALID_MINUTES
RK_CODE_LOCK_MINUTES = env.int("RK_CODE_LOCK_MINUTES", default=30)
RK_CODE_RATE_PER_NUMBER = env.str("RK_CODE_RATE_PER_NUMBER", default="3/10m")  # code requests per number
RK_CODE_RATE_PER_IP = env.str("RK_CODE_RATE_PER_IP", default="10/h")  # code requests per client address
RK_CODE_VERIFY_RATE_PER_IP = env.str("RK_CODE_VERIFY_RATE_PER_IP", default="30/h")
RK_CLAIM_VALID_DAYS = 7
RK_CLAIM_RATE = env.str("RK_CLAIM_RATE", default="20/h")  # claim link opens/posts per client address
RK_OFFICE_HOURS = env.str("RK_OFFICE_HOURS", default="Senin–Jumat 08.00–16.00 WIT")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": env.str("DJANGO_LOG_FORMAT", default="plain")}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Liveness of the worker and beat: each writes a heartbeat row this often; /healthz is red when
# the newest one of a kind is older than the stale limit, or when outbox rows have waited longer
# than RK_HEALTH_PENDING_MINUTES (deploy/README.md, "Health").
RK_HEARTBEAT_SECONDS = env.int("RK_HEARTBEAT_SECONDS", default=15)
RK_HEARTBEAT_STALE_SECONDS = env.int("RK_HEARTBEAT_STALE_SECONDS", default=60)
RK_HEALTH_PENDING_MINUTES = env.int("RK_HEALTH_PENDING_MINUTES", default=15)
CELERY_BEAT_SCHEDULER = "core.heartbeats:HeartbeatScheduler"
if env.str("DJANGO_LOG_FORMAT", default="plain") == "json":
    import logging as _logging

    _logging.captureWarnings(True)  # Python warnings become log lines (JSON ones too), not raw stderr
