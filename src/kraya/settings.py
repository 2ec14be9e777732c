"""Kraya settings, 12-factor: everything that differs between deployments comes
from the environment (see README "Configuration")."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/kraya
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KRAYA_VAR_DIR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("KRAYA_DEBUG")
# Embedded mode: one machine, SQLite, plain HTTP on loopback (script/server).
# Production (the default) assumes HTTPS behind a proxy and refuses to start
# without a SECRET_KEY.
EMBEDDED = _flag("KRAYA_EMBEDDED")
HTTPS = not EMBEDDED and not DEBUG


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not (EMBEDDED or DEBUG):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "kraya.core",
    "kraya.api",
    "kraya.accounts",
    "kraya.sellers",
    "kraya.catalog",
    "kraya.catalog.search",
    "kraya.orders",
    "kraya.buying",
    "kraya.bids",
    "kraya.incidents",
    "kraya.notifications",
    "kraya.outreach",
    "kraya.web",
    "kraya.demo",
    "kraya.insights",  # OPEN-2 public statistics and their rollups
    "kraya.insights.redflags",  # OPEN-4 integrity red flags (own label and migrations)
    "kraya.insights.compliance",  # OPEN-3 compliance dashboards (own label and migrations)
    "kraya.opendata",  # OPEN-1: OCDS releases and records (nothing imports it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kraya.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kraya.urls"
WSGI_APPLICATION = "kraya.wsgi.application"

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
                "kraya.web.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kraya.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Immediate transactions: a writer takes the lock at BEGIN, so two writers
    # never deadlock upgrading a read lock (STYLE: concurrency on SQLite).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kraya.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# Login throttling (django-axes): 5 failures lock the username+IP pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("KRAYA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 3600

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"  # shown in IST; stored in UTC (USE_TZ)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("KRAYA_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # Embedded (one machine, loopback): hashed names without the
            # gzip/brotli pass, which costs about a minute of CPU per collectstatic.
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if EMBEDDED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security headers. Production runs behind HTTPS; embedded mode is loopback HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and not _flag("KRAYA_NO_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Background work: Celery on Redis in production; in-process (eager) when
# REDIS_URL is unset, as in the embedded mode and the tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
# The bid clock (BID-4 end and extension, openings, RA-3 auction ends, §7
# settling): Celery beat sends it every minute in production; the embedded
# server runs it on a scheduler thread every KRAYA_BIDS_TICK_SECONDS
# (`kraya.core.scheduler`, every entry below); `kraya bids_tick` runs it once.
CELERY_BEAT_SCHEDULE = {
    "bids-tick": {"task": "kraya.bids.tick", "schedule": 60.0},
    "incidents-tick": {"task": "kraya.incidents.tick", "schedule": 300.0},  # INC-1
    # ORD-3..ORD-7: auto-cancellation, deemed/automatic CRAC, interest, reminders.
    "orders-tick": {"task": "kraya.orders.tick", "schedule": 60.0},
    # OPEN-5: seal each IST day of the audit log once it ends.
    "audit-checkpoints": {"task": "kraya.core.audit_checkpoints", "schedule": 3600.0},
    # The transactional outbox's safety net (each commit that emits also nudges it).
    "outbox-dispatch": {"task": "kraya.core.outbox_dispatch", "schedule": 10.0},
    # ORD-9: seller and buyer ratings, and the rating search sorts on.
    "orders-ratings-refresh": {"task": "kraya.orders.ratings_refresh", "schedule": 3600.0},
    # OPEN-2: the statistics rollups, from the orders changed since the last run.
    "insights-refresh": {"task": "kraya.insights.refresh", "schedule": 60.0},
    # OPEN-4: the integrity red flags, nightly (idempotent; `kraya redflags compute`).
    "redflags-nightly": {"task": "kraya.insights.redflags_compute", "schedule": 86400.0},
    # OPEN-3: the compliance payment-delay rollup (`kraya compliance refresh`).
    "compliance-refresh": {"task": "kraya.insights.compliance_refresh", "schedule": 3600.0},
    # OPEN-1: the OCDS publisher reads the audit log after its watermark.
    "opendata-publish": {"task": "kraya.opendata.publish", "schedule": 60.0},
}
KRAYA_BIDS_TICK_SECONDS = int(os.environ.get("KRAYA_BIDS_TICK_SECONDS", "60"))
# The embedded scheduler (`kraya.core.scheduler`, script/server without Redis)
# runs every CELERY_BEAT_SCHEDULE entry in-process at the entry's interval;
# KRAYA_SCHEDULER_SECONDS="bids-tick=30,outbox-dispatch=5" overrides intervals
# by entry name there, and KRAYA_BIDS_TICK_SECONDS still sets bids-tick's.
KRAYA_SCHEDULER_SECONDS: dict[str, float] = {
    name.strip(): float(seconds)
    for name, _, seconds in (
        part.partition("=")
        for part in os.environ.get("KRAYA_SCHEDULER_SECONDS", "").split(",")
        if "=" in part
    )
}
if "KRAYA_BIDS_TICK_SECONDS" in os.environ:
    KRAYA_SCHEDULER_SECONDS.setdefault("bids-tick", float(KRAYA_BIDS_TICK_SECONDS))
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # Per process. Search keeps facet counts here for a minute
    # (KRAYA_SEARCH_FACET_CACHE_SECONDS): room for a busy minute's distinct
    # searches, not Django's default of 300 entries.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
KRAYA_SEARCH_FACET_CACHE_SECONDS = int(os.environ.get("KRAYA_SEARCH_FACET_CACHE_SECONDS", "60"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if EMBEDDED or DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kraya <no-reply@kraya.local>")

# Open data (issue 8 uses it): the OCDS ocid prefix registered for this deployment.
KRAYA_OCID_PREFIX = os.environ.get("KRAYA_OCID_PREFIX", "ocds-kraya00")
# OPEN-1: the OCDS feed serves releases up to the publisher's watermark of
# this many seconds ago (`kraya.opendata.services.publish` says why).
KRAYA_OCDS_FEED_DELAY_SECONDS = float(os.environ.get("KRAYA_OCDS_FEED_DELAY_SECONDS", "2"))
# BID-5 sealing (kraya.bids.sealing): the master key pair that wraps every
# bid's private keys. Only processes that open bids (the scheduler's workers)
# need KRAYA_SEAL_PRIVATE_KEY; web processes can run with the public half
# alone, KRAYA_SEAL_PUBLIC_KEY, and then cannot read a sealed bid even if
# compromised. Both are base64 of 32 bytes (`kraya bids_sealkey` makes a pair).
# Embedded and debug modes keep a generated private key in var/seal_key.
KRAYA_SEAL_PRIVATE_KEY = os.environ.get("KRAYA_SEAL_PRIVATE_KEY", "")
KRAYA_SEAL_PUBLIC_KEY = os.environ.get("KRAYA_SEAL_PUBLIC_KEY", "")
KRAYA_SEAL_KEY_FILE = VAR_DIR / "seal_key" if (EMBEDDED or DEBUG) else None
# Where the effective-dated procurement policy lives.
KRAYA_POLICY_DIR = Path(os.environ.get("KRAYA_POLICY_DIR", PROJECT_DIR / "policy"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KRAYA_LOG_LEVEL", "INFO")},
}
